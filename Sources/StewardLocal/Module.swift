public enum StewardLocalModule {}
