// Guarded memory, the secure JSON, the shared model and the errors live in VaultSecrets (Foundation-free, so the
// small launcher can use them); everything that imports VaultCore sees them as before.
@_exported public import VaultSecrets
