/// Constants of Google's OAuth 2.0 service.
public enum GoogleOAuth {
    /// The scope that covers Vertex AI, Cloud Build and Cloud Storage.
    public static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"
    /// The token endpoint, when a credentials file names none.
    public static let tokenURL = "https://oauth2.googleapis.com/token"
    /// The JWT-bearer grant a service account uses.
    public static let jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    /// The metadata server's host on Google Cloud.
    public static let metadataHost = "metadata.google.internal"
}
