public enum StewardManifestsModule {}
