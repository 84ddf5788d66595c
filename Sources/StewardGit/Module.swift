public enum StewardGitModule {}
