public enum StewardArchiveModule {}
