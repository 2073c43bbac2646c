import CVaultSys
#if canImport(Glibc)
    import Glibc
#endif
public import VaultCore
import VaultSystem

/// The vault's key-encryption key in the desktop keyring, through libsecret (Secret Service over D-Bus), loaded
/// when first needed (`cvaultsys_libsecret_load`), so commands that never touch the keyring do not pay for it.
///
/// Schema `org.vault.KeyEncryptionKey`; attributes `application` = `vault`, `vault-id` = the vault's UUID; the
/// stored "password" is the 32-byte KEK in hex. See it with `secret-tool search application vault`.
public struct SecretServiceKeyring: Sendable {
    /// The libsecret schema name (also the item's `xdg:schema` attribute).
    public static let schemaName = "org.vault.KeyEncryptionKey"
    /// The vault this item belongs to.
    public let vaultID: String

    /// The keyring item of the vault with this id.
    public init(vaultID: String) { self.vaultID = vaultID }

    /// The item's attributes, exactly as stored.
    public var attributes: [String: String] { ["application": "vault", "vault-id": vaultID] }

    /// Checks that a Secret Service is reachable and its default collection is unlocked — without prompting.
    public func checkAvailable() throws(KeyringProblem) {
        _ = try Self.available()
    }

    /// libsecret, with a reachable Secret Service whose default collection is unlocked.
    private static func available() throws(KeyringProblem) -> UnsafePointer<cvaultsys_libsecret> {
        let api = try library()
        var error: UnsafeMutablePointer<cvaultsys_gerror>?
        guard let service = api.pointee.secret_service_get_sync(0, nil, &error) else {
            throw classify(take(&error, api) ?? "no service", stage: .bus)
        }
        defer { api.pointee.g_object_unref(service) }
        guard let collection = api.pointee.secret_collection_for_alias_sync(service, "default", 0, nil, &error) else {
            throw classify(take(&error, api) ?? "no default collection", stage: .collection)
        }
        defer { api.pointee.g_object_unref(collection) }
        if api.pointee.secret_collection_get_locked(collection) != 0 { throw .locked }
        return api
    }

    /// The libsecret entry points, or why they cannot be loaded.
    private static func library() throws(KeyringProblem) -> UnsafePointer<cvaultsys_libsecret> {
        _ = sessionBusFound
        guard let api = cvaultsys_libsecret_load() else {
            let reason = cvaultsys_libsecret_error().map { String(cString: $0) } ?? "unknown reason"
            throw .noLibrary(reason)
        }
        return api
    }

    /// A process started by an MCP client has no `DBUS_SESSION_BUS_ADDRESS` and often no `XDG_RUNTIME_DIR`, and
    /// GLib then looks for the bus under `~/.cache` and gives up; the bus is at `/run/user/UID/bus`. Done once,
    /// before libsecret first connects.
    private static let sessionBusFound: Void = {
        guard getenv("DBUS_SESSION_BUS_ADDRESS") == nil else { return }
        let runtime = getenv("XDG_RUNTIME_DIR").map { ["XDG_RUNTIME_DIR": String(cString: $0)] } ?? [:]
        if let address = RuntimeDirectory.sessionBusAddress(runtime) { setenv("DBUS_SESSION_BUS_ADDRESS", address, 1) }
    }()

    /// The stored KEK, in guarded memory.
    public func lookup() throws(KeyringProblem) -> SecretBytes {
        let api = try Self.available()
        var error: UnsafeMutablePointer<cvaultsys_gerror>?
        let found = withSchema(api) { schema, attributes in
            api.pointee.secret_password_lookupv_nonpageable_sync(schema, attributes, nil, &error)
        }
        if let message = take(&error, api) { throw .failed(message) }
        guard let found else { throw .itemMissing }
        defer { api.pointee.secret_password_free(found) }
        let key = SecretBytes.decodingHex(UnsafeRawBufferPointer(start: found, count: strlen(found)), expectedCount: 32)
        guard let key else { throw .itemWrong }
        return key
    }

    /// Stores `kek` (replacing any item with the same attributes) in the default collection.
    public func store(_ kek: borrowing SecretBytes) throws(KeyringProblem) {
        let api = try Self.available()
        let hex = kek.hexEncodedCString()
        let label = "vault key-encryption key (vault \(vaultID))"
        var error: UnsafeMutablePointer<cvaultsys_gerror>?
        let stored = hex.withUnsafeBytes { password in
            withSchema(api) { schema, attributes in
                api.pointee.secret_password_storev_sync(
                    schema, attributes, nil, label, password.baseAddress!.assumingMemoryBound(to: CChar.self), nil,
                    &error)
            }
        }
        if let message = take(&error, api) { throw .failed(message) }
        guard stored != 0 else { throw .failed("the item was not stored") }
    }

    /// Deletes the item. Returns whether one existed.
    @discardableResult
    public func clear() throws(KeyringProblem) -> Bool {
        let api = try Self.available()
        var error: UnsafeMutablePointer<cvaultsys_gerror>?
        let cleared = withSchema(api) { schema, attributes in
            api.pointee.secret_password_clearv_sync(schema, attributes, nil, &error)
        }
        if let message = take(&error, api) { throw .failed(message) }
        return cleared != 0
    }

    private func withSchema<R>(
        _ api: UnsafePointer<cvaultsys_libsecret>, _ body: (UnsafeRawPointer, UnsafeMutableRawPointer) -> R
    ) -> R {
        let types = cvaultsys_libsecret_table(api, 0)!
        let values = cvaultsys_libsecret_table(api, 1)!
        defer {
            api.pointee.g_hash_table_unref(types)
            api.pointee.g_hash_table_unref(values)
        }
        for (name, value) in attributes {
            // A NULL type is SECRET_SCHEMA_ATTRIBUTE_STRING.
            cvaultsys_libsecret_insert(api, types, name, nil)
            cvaultsys_libsecret_insert(api, values, name, value)
        }
        // Flags 0: SECRET_SCHEMA_NONE.
        let schema = api.pointee.secret_schema_newv(Self.schemaName, 0, types)!
        defer { api.pointee.secret_schema_unref(schema) }
        return body(schema, values)
    }

    private enum Stage { case bus, collection }

    private static func classify(_ message: String, stage: Stage) -> KeyringProblem {
        if message.contains("org.freedesktop.secrets") { return .noProvider(message) }
        if stage == .bus || message.contains("D-Bus") || message.contains("Could not connect") {
            return .noDBus(message)
        }
        if message.contains("does not exist") || message.contains("no default collection") {
            return .noCollection(message)
        }
        return .failed(message)
    }
}

/// Takes the message out of a GError and frees it.
private func take(
    _ error: inout UnsafeMutablePointer<cvaultsys_gerror>?, _ api: UnsafePointer<cvaultsys_libsecret>
) -> String? {
    guard let pointer = error else { return nil }
    defer {
        api.pointee.g_error_free(pointer)
        error = nil
    }
    return pointer.pointee.message.map { String(cString: $0) } ?? "unknown error"
}
