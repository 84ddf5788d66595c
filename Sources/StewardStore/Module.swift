public enum StewardStoreModule {}
