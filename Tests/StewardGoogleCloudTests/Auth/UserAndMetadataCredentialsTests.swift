import StewardFakes
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StewardGoogleCloud
import StewardHTTP
import StewardRuntime
import Testing

@Suite("User credentials, the metadata server and the search order")
struct UserAndMetadataCredentialsTests {
    @Test("gcloud's well-known file refreshes the user's token at the token endpoint")
    func authorizedUserRefresh() async throws {
        try await withTemporaryDirectory { folder async throws in
            let forms = Recorder<[String: String]>()
            let router = Router()
            router.post("/token") { request, _ in
                let body = try await request.body.collect(upTo: 1 << 20)
                await forms.append(formFields(String(buffer: body)))
                return makeResponse(.ok, #"{"access_token": "ya29.user-token", "expires_in": 3599, "scope": "https://www.googleapis.com/auth/cloud-platform", "token_type": "Bearer"}"#)
            }
            try await withLocalServer(router) { base async throws in
                let config = folder + "/gcloud"
                try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
                let file = #"{"type": "authorized_user", "client_id": "cid.apps.googleusercontent.com", "client_secret": "csecret", "refresh_token": "1//0grefresh", "quota_project_id": "proj", "token_uri": "\#(base)/token"}"#
                try Data(file.utf8).write(to: URL(fileURLWithPath: config + "/application_default_credentials.json"))
                let adc = ApplicationDefaultCredentials(environment: ["CLOUDSDK_CONFIG": config, "NO_GCE_CHECK": "true"],
                                                        transport: AsyncHTTPTransport(), logger: quietLogger)
                #expect(try await adc.resolve() == .wellKnownFile(path: config + "/application_default_credentials.json"))
                #expect(try await adc.accessToken() == "ya29.user-token")
            }
            #expect(await forms.values == [[
                "grant_type": "refresh_token", "client_id": "cid.apps.googleusercontent.com",
                "client_secret": "csecret", "refresh_token": "1//0grefresh",
            ]])
        }
    }

    @Test("requests made with user credentials name their quota project in x-goog-user-project; the environment's wins")
    func quotaProjectOnTheWire() async throws {
        try await withTemporaryDirectory { folder async throws in
            let seen = Recorder<String>()
            let router = Router()
            router.post("/token") { _, _ in
                makeResponse(.ok, #"{"access_token": "ya29.user-token", "expires_in": 3599, "token_type": "Bearer"}"#)
            }
            router.get("/v1/projects/p/locations/r/pipelineJobs") { request, _ in
                await seen.append(request.headers[HTTPField.Name("x-goog-user-project")!] ?? "none")
                return makeResponse(.ok, "{}")
            }
            try await withLocalServer(router) { base async throws in
                let path = folder + "/user.json"
                let file = #"{"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r", "quota_project_id": "billing-proj", "token_uri": "\#(base)/token"}"#
                try Data(file.utf8).write(to: URL(fileURLWithPath: path))
                let request = APIRequest(method: "GET", url: base + "/v1/projects/p/locations/r/pipelineJobs", service: "vertex")
                for environment in [["GOOGLE_APPLICATION_CREDENTIALS": path],
                                    ["GOOGLE_APPLICATION_CREDENTIALS": path, "GOOGLE_CLOUD_QUOTA_PROJECT": "env-proj"]] {
                    let adc = ApplicationDefaultCredentials(environment: environment, transport: AsyncHTTPTransport(),
                                                            logger: quietLogger)
                    let transport = AuthorizingTransport(base: AsyncHTTPTransport(), tokens: adc, logger: quietLogger)
                    #expect(try await transport.send(request).status == 200)
                }
            }
            #expect(await seen.values == ["billing-proj", "env-proj"])
        }
    }

    @Test("the well-known file defaults to ~/.config/gcloud")
    func wellKnownFileUnderHome() async throws {
        try await withTemporaryDirectory { home async throws in
            let config = home + "/.config/gcloud"
            try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
            let path = config + "/application_default_credentials.json"
            try Data(#"{"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r"}"#.utf8)
                .write(to: URL(fileURLWithPath: path))
            let adc = ApplicationDefaultCredentials(environment: ["HOME": home, "NO_GCE_CHECK": "1"], transport: AsyncHTTPTransport(), logger: quietLogger)
            #expect(try await adc.resolve() == .wellKnownFile(path: path))
        }
    }

    @Test("on Google Cloud the metadata server's token is used, asked with Metadata-Flavor: Google")
    func metadataServer() async throws {
        let flavors = Recorder<String>()
        let router = Router()
        router.get("/computeMetadata/v1/") { request, _ in
            await flavors.append(request.headers[HTTPField.Name("Metadata-Flavor")!] ?? "missing")
            return makeResponse(.ok, "instance/\nproject/\n", headers: [("Metadata-Flavor", "Google")], contentType: "application/text")
        }
        router.get("/computeMetadata/v1/instance/service-accounts/default/token") { request, _ in
            let flavor = request.headers[HTTPField.Name("Metadata-Flavor")!] ?? "missing"
            await flavors.append(flavor)
            guard flavor == "Google" else { return makeResponse(.forbidden, "missing Metadata-Flavor") }
            return makeResponse(.ok, #"{"access_token": "ya29.metadata-token", "expires_in": 3599, "token_type": "Bearer"}"#,
                                headers: [("Metadata-Flavor", "Google")])
        }
        try await withTemporaryDirectory { home async throws in
            try await withLocalServer(router) { base async throws in
                let host = String(base.dropFirst("http://".count))
                // The probe's 3 s are for a real metadata server; a test server on a loaded machine gets longer.
                let adc = ApplicationDefaultCredentials(environment: ["HOME": home, "GCE_METADATA_HOST": host],
                                                        transport: AsyncHTTPTransport(), metadataProbeTimeout: 30,
                                                        logger: quietLogger)
                #expect(try await adc.resolve() == .metadataServer(host: host))
                #expect(try await adc.accessToken() == "ya29.metadata-token")
            }
        }
        #expect(await flavors.values == ["Google", "Google"])
    }

    @Test("with no credentials anywhere the error names the three ways to provide them")
    func noCredentials() async throws {
        try await withTemporaryDirectory { home async throws in
            // Nothing listens on port 1: the probe fails at once.
            let adc = ApplicationDefaultCredentials(environment: ["HOME": home, "GCE_METADATA_HOST": "127.0.0.1:1"],
                                                    transport: AsyncHTTPTransport(), metadataProbeTimeout: 2, logger: quietLogger)
            let error = await #expect(throws: RuntimeError.self) { try await adc.accessToken() }
            #expect(error?.code == "unauthenticated")
            #expect(error?.disposition == .stalled)
            let message = error?.message ?? ""
            #expect(message.contains("GOOGLE_APPLICATION_CREDENTIALS"))
            #expect(message.contains("gcloud auth application-default login"))
            #expect(message.contains("run on Google Cloud with a service account"))
        }
    }

    @Test("a GOOGLE_APPLICATION_CREDENTIALS path that does not exist is an error, not a fallback")
    func missingFile() async throws {
        let adc = ApplicationDefaultCredentials(environment: ["GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json", "NO_GCE_CHECK": "1"],
                                                transport: AsyncHTTPTransport(), logger: quietLogger)
        let error = await #expect(throws: RuntimeError.self) { try await adc.accessToken() }
        #expect(error?.message.contains("'/nonexistent/key.json'") == true)
    }

    @Test("an unsupported credentials type is named")
    func unsupportedType() async throws {
        try await withTemporaryDirectory { folder async throws in
            let path = folder + "/wif.json"
            try Data(#"{"type": "external_account", "audience": "x"}"#.utf8).write(to: URL(fileURLWithPath: path))
            let adc = ApplicationDefaultCredentials(environment: ["GOOGLE_APPLICATION_CREDENTIALS": path], transport: AsyncHTTPTransport(), logger: quietLogger)
            let error = await #expect(throws: RuntimeError.self) { try await adc.accessToken() }
            #expect(error?.message.contains("'external_account'") == true)
        }
    }
}
