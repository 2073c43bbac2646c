// The core of a launch (the child's environment, exec with variables) lives in VaultHotPath (Foundation-free, for
// the small launcher); everything that imports VaultLaunch sees it as before.
@_exported public import VaultHotPath
