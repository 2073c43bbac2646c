import Testing
import VaultCore
import VaultPolicy

@testable import VaultRotation

struct PostgresURITests {
    private func secret(_ text: String) -> SecretBytes {
        let bytes = Array(text.utf8)
        return SecretBytes(capacity: bytes.count) { out in
            out.copyBytes(from: bytes)
            return bytes.count
        }
    }

    private func text(_ bytes: borrowing SecretBytes) -> String {
        bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: [
        ("postgresql://app:pw@db.example:5432/appdb?sslmode=require", "app"),
        ("postgres://my%20user:p%40ss@host/db", "my user"),
        ("postgresql://app@host/db", "app"),
    ])
    func theUserIsFoundAndDecoded(_ uri: String, _ user: String) throws {
        #expect(try PostgresURI.user(of: secret(uri)) == user)
    }

    @Test func credentialsAreReplacedAndEverythingElseKept() throws {
        let replaced = try PostgresURI.replacingCredentials(
            of: secret("postgresql://app:old@db.example:5432/appdb?sslmode=require"), user: "app_clone",
            password: secret("NEWpass123"))
        #expect(text(replaced) == "postgresql://app_clone:NEWpass123@db.example:5432/appdb?sslmode=require")
        #expect(try text(PostgresURI.password(of: replaced)) == "NEWpass123")
    }

    @Test func aUserWithReservedCharactersIsPercentEncoded() throws {
        let replaced = try PostgresURI.replacingCredentials(
            of: secret("postgresql://a:b@h/d"), user: "we@ird:name", password: secret("p"))
        #expect(text(replaced) == "postgresql://we%40ird%3Aname:p@h/d")
    }

    @Test(arguments: ["mysql://a:b@h/d", "postgresql://host/db", "postgresql://:pw@host/db", "not a uri"])
    func anythingElseIsRefusedWithoutQuotingIt(_ uri: String) {
        #expect(throws: PolicyError.self) { try PostgresURI.user(of: secret(uri)) }
    }
}
