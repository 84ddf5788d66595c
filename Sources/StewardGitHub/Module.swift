public enum StewardGitHubModule {}
