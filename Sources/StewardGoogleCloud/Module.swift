public enum StewardGoogleCloudModule {}
