import CLibSecret
public import VaultCore

/// The vault's key-encryption key in the desktop keyring, through libsecret (Secret Service over D-Bus).
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
        var error: UnsafeMutablePointer<GError>?
        guard let service = secret_service_get_sync(SECRET_SERVICE_NONE, nil, &error) else {
            throw Self.classify(take(&error) ?? "no service", stage: .bus)
        }
        defer { g_object_unref(service) }
        guard let collection = secret_collection_for_alias_sync(service, "default", SECRET_COLLECTION_NONE, nil, &error) else {
            throw Self.classify(take(&error) ?? "no default collection", stage: .collection)
        }
        defer { g_object_unref(collection) }
        if secret_collection_get_locked(collection) != 0 { throw .locked }
    }

    /// The stored KEK, in guarded memory.
    public func lookup() throws(KeyringProblem) -> SecretBytes {
        try checkAvailable()
        var error: UnsafeMutablePointer<GError>?
        let found = withSchema { schema, attributes in secret_password_lookupv_nonpageable_sync(schema, attributes, nil, &error) }
        if let message = take(&error) { throw .failed(message) }
        guard let found else { throw .itemMissing }
        defer { secret_password_free(found) }
        let key = SecretBytes.decodingHex(UnsafeRawBufferPointer(start: found, count: strlen(found)), expectedCount: 32)
        guard let key else { throw .itemWrong }
        return key
    }

    /// Stores `kek` (replacing any item with the same attributes) in the default collection.
    public func store(_ kek: borrowing SecretBytes) throws(KeyringProblem) {
        try checkAvailable()
        let hex = kek.hexEncodedCString()
        let label = "vault key-encryption key (vault \(vaultID))"
        var error: UnsafeMutablePointer<GError>?
        let stored = hex.withUnsafeBytes { password in
            withSchema { schema, attributes in
                secret_password_storev_sync(
                    schema, attributes, nil, label, password.baseAddress!.assumingMemoryBound(to: CChar.self), nil, &error)
            }
        }
        if let message = take(&error) { throw .failed(message) }
        guard stored != 0 else { throw .failed("the item was not stored") }
    }

    /// Deletes the item. Returns whether one existed.
    @discardableResult
    public func clear() throws(KeyringProblem) -> Bool {
        try checkAvailable()
        var error: UnsafeMutablePointer<GError>?
        let cleared = withSchema { schema, attributes in secret_password_clearv_sync(schema, attributes, nil, &error) }
        if let message = take(&error) { throw .failed(message) }
        return cleared != 0
    }

    private func withSchema<R>(_ body: (UnsafePointer<SecretSchema>, OpaquePointer) -> R) -> R {
        let types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, nil)!
        let values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free)!
        defer {
            g_hash_table_unref(types)
            g_hash_table_unref(values)
        }
        for (name, value) in attributes {
            // SECRET_SCHEMA_ATTRIBUTE_STRING is 0, so the type's pointer value is NULL.
            g_hash_table_insert(types, g_strdup(name), nil)
            g_hash_table_insert(values, g_strdup(name), g_strdup(value))
        }
        let schema = secret_schema_newv(Self.schemaName, SECRET_SCHEMA_NONE, types)!
        defer { secret_schema_unref(schema) }
        return body(schema, values)
    }

    private enum Stage { case bus, collection }

    private static func classify(_ message: String, stage: Stage) -> KeyringProblem {
        if message.contains("org.freedesktop.secrets") { return .noProvider(message) }
        if stage == .bus || message.contains("D-Bus") || message.contains("Could not connect") { return .noDBus(message) }
        if message.contains("does not exist") || message.contains("no default collection") { return .noCollection(message) }
        return .failed(message)
    }
}

/// Takes the message out of a GError and frees it.
private func take(_ error: inout UnsafeMutablePointer<GError>?) -> String? {
    guard let pointer = error else { return nil }
    defer {
        g_error_free(pointer)
        error = nil
    }
    return pointer.pointee.message.map { String(cString: $0) } ?? "unknown error"
}
