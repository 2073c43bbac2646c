// The agent's framing, operations, error codes and client live in VaultHotPath (Foundation-free, for the small
// launcher); everything that imports VaultAgent sees them as before.
@_exported public import VaultHotPath
