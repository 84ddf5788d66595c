import Foundation
import Logging
import StewardCore
import StewardGitHub
import StewardGoogleCloud
import StewardHTTP
import StewardRuntime

/// The `gcp` provider's adapters, wired from the Project's `spec.gcp` and the environment.
///
/// Every service gets retries over one wire. Google services get Application Default Credentials, one instance
/// shared by all of them, unless an override points the service at an emulator (`STORAGE_EMULATOR_HOST`,
/// `STEWARD_VERTEX_ENDPOINT`, `STEWARD_CLOUDBUILD_ENDPOINT`): an overridden service gets no credentials, and when
/// all three are overridden no credentials are created at all, so nothing is looked up and the metadata server is
/// never probed. GitHub gets its own token (`GITHUB_TOKEN` or `GITHUB_TOKEN_FILE`), sent to `GITHUB_API_URL`.
struct GoogleCloudComposition {
    var gcp: ProjectSpec.GCP
    var environment: [String: String]
    var stewardVersion: String
    var logger: Logger

    /// The `gcp` block of the Project, or an error that says what to add.
    static func settings(_ desired: DesiredState) throws -> ProjectSpec.GCP {
        guard let project = desired.manifests.project else {
            throw CommandFailure("the gcp provider needs a Project manifest with spec.gcp (project, region, bucket); "
                + "add one to the manifests, or use '--provider local' to run locally")
        }
        guard let gcp = project.1.gcp else {
            throw CommandFailure("Project/\(project.0.metadata.name) has no spec.gcp; the gcp provider needs "
                + "spec.gcp.project, spec.gcp.region and spec.gcp.bucket (gs://NAME)")
        }
        return gcp
    }

    func providers() throws -> Providers {
        let wire = MeteredTransport(base: AsyncHTTPTransport())
        let retrying = RetryingTransport(base: wire, logger: logger)

        // Overrides are read by the clients themselves; the plain set tells which services are overridden.
        let plain = apis(transport: retrying)
        let storage = StorageEndpoint(environment: environment)
        let credentials: ApplicationDefaultCredentials? =
            plain.vertexOverridden && plain.cloudBuildOverridden && storage.isEmulator
            ? nil : ApplicationDefaultCredentials(environment: environment, transport: wire, logger: logger)
        let authorized = credentials.map {
            apis(transport: RetryingTransport(base: AuthorizingTransport(base: wire, tokens: $0, logger: logger), logger: logger))
        }
        let vertex = plain.vertexOverridden ? plain : authorized ?? plain
        let cloudBuild = plain.cloudBuildOverridden ? plain : authorized ?? plain

        let objects = GCSObjectStore(client: StorageClient.configured(environment: environment, credentials: credentials,
                                                                      wire: wire, logger: logger))
        let github = try GitHubClient.fromEnvironment(environment, transport: retrying, stewardVersion: stewardVersion,
                                                      logger: logger)
        logger.debug("gcp provider", metadata: [
            "gcp.project": "\(gcp.project)", "gcp.region": "\(gcp.region)", "gcp.bucket": "\(gcp.bucket)",
            "storage.emulator": "\(storage.isEmulator)", "vertex.overridden": "\(plain.vertexOverridden)",
            "cloudbuild.overridden": "\(plain.cloudBuildOverridden)", "google.credentials": "\(credentials != nil)",
            "github.api": "\(github.endpoint.apiBaseURL)",
        ])
        return Providers(kind: .gcp,
                         objects: objects,
                         images: cloudBuild.imageBuilder(staging: gcp.bucket, objects: objects),
                         pipelines: vertex.pipelineService(objects: objects),
                         models: vertex.modelRegistry(),
                         endpoints: vertex.endpointService(),
                         batch: vertex.batchPredictionService(objects: objects),
                         releases: GitHubReleaseService(client: github, logger: logger),
                         checks: cloudBuild.checkService(staging: gcp.bucket, objects: objects))
    }

    private func apis(transport: any HTTPTransport) -> GoogleCloudAPIs {
        GoogleCloudAPIs(project: gcp.project, region: gcp.region, transport: transport, environment: environment,
                        logger: logger)
    }
}
