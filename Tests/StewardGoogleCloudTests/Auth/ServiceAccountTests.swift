import StewardFakes
import Foundation
import Hummingbird
import NIOCore
import StewardGoogleCloud
import StewardHTTP
import StewardRuntime
import Testing

/// A throwaway RSA key made by the openssl command line, with its public half.
struct ThrowawayKey {
    var privatePEM: String
    var publicKeyPath: String

    static func make(in folder: String) throws -> ThrowawayKey {
        let privatePath = folder + "/key.pem"
        let publicPath = folder + "/public.pem"
        try runProgram("/usr/bin/env", ["openssl", "genrsa", "-out", privatePath, "2048"])
        try runProgram("/usr/bin/env", ["openssl", "rsa", "-in", privatePath, "-pubout", "-out", publicPath])
        return ThrowawayKey(privatePEM: try String(contentsOfFile: privatePath, encoding: .utf8), publicKeyPath: publicPath)
    }
}

/// Decodes one base64url segment of a JWT.
func base64URLDecode(_ text: Substring) throws -> Data {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return try #require(Data(base64Encoded: base64))
}

/// A form body as a dictionary.
func formFields(_ body: String) -> [String: String] {
    var fields: [String: String] = [:]
    for pair in body.split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
        if parts.count == 2 { fields[parts[0]] = parts[1] }
    }
    return fields
}

@Suite("Service-account credentials")
struct ServiceAccountTests {
    @Test("the JWT is RS256 over header.claims, verifies with openssl, and carries the right claims")
    func signsVerifiableJWT() async throws {
        try await withTemporaryDirectory { folder async throws in
            let key = try ThrowawayKey.make(in: folder)
            let account = ServiceAccountKey(clientEmail: "steward@proj.iam.gserviceaccount.com", privateKey: key.privatePEM,
                                            privateKeyID: "kid-123", tokenURI: "https://oauth2.example.test/token")
            let source = ServiceAccountTokenSource(key: account, transport: AsyncHTTPTransport(), now: { 1_700_000_000.7 })
            let jwt = try source.assertion()

            let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
            try #require(parts.count == 3)
            let header = try #require(try JSONSerialization.jsonObject(with: base64URLDecode(parts[0])) as? [String: Any])
            #expect(header["alg"] as? String == "RS256")
            #expect(header["typ"] as? String == "JWT")
            #expect(header["kid"] as? String == "kid-123")
            let claims = try #require(try JSONSerialization.jsonObject(with: base64URLDecode(parts[1])) as? [String: Any])
            #expect(claims["iss"] as? String == "steward@proj.iam.gserviceaccount.com")
            #expect(claims["scope"] as? String == "https://www.googleapis.com/auth/cloud-platform")
            #expect(claims["aud"] as? String == "https://oauth2.example.test/token")
            #expect(claims["iat"] as? Int == 1_700_000_000)
            #expect(claims["exp"] as? Int == 1_700_003_600)

            // Verify the signature with another implementation: openssl's PKCS#1 v1.5 SHA-256.
            let signedPath = folder + "/signed.txt"
            let signaturePath = folder + "/signature.bin"
            try Data((parts[0] + "." + parts[1]).utf8).write(to: URL(fileURLWithPath: signedPath))
            try base64URLDecode(parts[2]).write(to: URL(fileURLWithPath: signaturePath))
            let verdict = try runProgram("/usr/bin/env", ["openssl", "dgst", "-sha256", "-verify", key.publicKeyPath,
                                                          "-signature", signaturePath, signedPath])
            #expect(verdict.contains("Verified OK"))

            // And a tampered claim set does not verify.
            try Data((parts[0] + "." + parts[1] + "x").utf8).write(to: URL(fileURLWithPath: signedPath))
            #expect(throws: ProgramError.self) {
                try runProgram("/usr/bin/env", ["openssl", "dgst", "-sha256", "-verify", key.publicKeyPath, "-signature", signaturePath, signedPath])
            }
        }
    }

    @Test("ADC with GOOGLE_APPLICATION_CREDENTIALS exchanges the JWT at the file's token_uri")
    func exchangesAtTokenEndpoint() async throws {
        try await withTemporaryDirectory { folder async throws in
            let key = try ThrowawayKey.make(in: folder)
            let forms = Recorder<[String: String]>()
            let router = Router()
            router.post("/token") { request, _ in
                let body = try await request.body.collect(upTo: 1 << 20)
                await forms.append(formFields(String(buffer: body)))
                return makeResponse(.ok, #"{"access_token": "ya29.service-account-token", "expires_in": 3599, "token_type": "Bearer"}"#)
            }
            try await withLocalServer(router) { base async throws in
                let file: [String: Any] = [
                    "type": "service_account", "project_id": "proj", "private_key_id": "kid-1", "private_key": key.privatePEM,
                    "client_email": "sa@proj.iam.gserviceaccount.com", "client_id": "1", "token_uri": base + "/token",
                ]
                let path = folder + "/sa.json"
                try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: path))
                let adc = ApplicationDefaultCredentials(environment: ["GOOGLE_APPLICATION_CREDENTIALS": path, "HOME": folder],
                                                        transport: AsyncHTTPTransport(), logger: quietLogger)
                #expect(try await adc.resolve() == .environmentFile(path: path))
                #expect(try await adc.accessToken() == "ya29.service-account-token")
                // Cached: a second call does not go to the endpoint.
                #expect(try await adc.accessToken() == "ya29.service-account-token")
            }
            let sent = await forms.values
            try #require(sent.count == 1)
            #expect(sent[0]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer")
            let assertion = try #require(sent[0]["assertion"])
            #expect(assertion.split(separator: ".").count == 3)
            let claims = try #require(try JSONSerialization.jsonObject(with: base64URLDecode(assertion.split(separator: ".")[1])) as? [String: Any])
            #expect((claims["aud"] as? String)?.hasSuffix("/token") == true)
        }
    }

    @Test("a refused grant is an unauthenticated error that names the account and hides the assertion")
    func refusedGrant() async throws {
        try await withTemporaryDirectory { folder async throws in
            let key = try ThrowawayKey.make(in: folder)
            let router = Router()
            router.post("/token") { _, _ in
                makeResponse(.badRequest, #"{"error": "invalid_grant", "error_description": "Invalid JWT Signature."}"#)
            }
            try await withLocalServer(router) { base async throws in
                let account = ServiceAccountKey(clientEmail: "sa@proj.iam.gserviceaccount.com", privateKey: key.privatePEM, tokenURI: base + "/token")
                let source = ServiceAccountTokenSource(key: account, transport: AsyncHTTPTransport())
                let error = await #expect(throws: RuntimeError.self) { try await source.fetchToken() }
                #expect(error?.code == "unauthenticated")
                #expect(error?.disposition == .stalled)
                #expect(error?.message.contains("service account 'sa@proj.iam.gserviceaccount.com'") == true)
                #expect(error?.message.contains("invalid_grant: Invalid JWT Signature.") == true)
                #expect(error?.message.contains("eyJ") == false)
            }
        }
    }

    @Test("describing a key never shows the private key")
    func keyDescriptionHidesSecret() {
        let key = ServiceAccountKey(clientEmail: "sa@p.iam.gserviceaccount.com", privateKey: "-----BEGIN PRIVATE KEY-----\nSECRETMATERIAL\n-----END PRIVATE KEY-----\n")
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!"\(key)".contains("SECRETMATERIAL"))
        #expect(!dumped.contains("SECRETMATERIAL"))
        #expect(dumped.contains("sa@p.iam.gserviceaccount.com"))
    }
}
