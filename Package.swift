// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "vault",
    products: [
        .executable(name: "vault", targets: ["vault"]),
        .executable(name: "vault-cli", targets: ["vault-cli"]),
        .library(name: "VaultCore", targets: ["VaultCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .target(name: "CVaultSys"),
        .target(
            name: "VaultSystem",
            dependencies: ["CVaultSys"],
            swiftSettings: strict
        ),
        .target(
            name: "VaultSecrets",
            dependencies: ["CSodium", "VaultSystem"],
            swiftSettings: strict
        ),
        .target(
            name: "VaultHotPath",
            dependencies: ["VaultSecrets", "VaultSystem"],
            swiftSettings: strict
        ),
        .target(
            name: "VaultCore",
            dependencies: [
                "CSodium",
                "VaultSecrets",
                "VaultSystem",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "VaultKeyring",
            dependencies: ["VaultCore", "VaultSystem", "CVaultSys"],
            swiftSettings: strict
        ),
        .target(
            name: "VaultPolicy",
            dependencies: ["VaultCore", "VaultSystem", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "VaultRotation",
            dependencies: ["VaultCore", "VaultPolicy", "VaultRemote", "VaultSystem", "CVaultSys"],
            swiftSettings: strict
        ),
        .target(
            name: "VaultRemote",
            dependencies: ["VaultCore", "VaultSystem", "CVaultSys"],
            swiftSettings: strict
        ),
        .target(
            name: "VaultAgent",
            dependencies: [
                "VaultCore", "VaultHotPath", "VaultKeyring", "VaultPolicy", "VaultRotation", "VaultRemote", "VaultSystem",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "VaultLaunch",
            dependencies: ["VaultCore", "VaultHotPath", "VaultSystem"],
            swiftSettings: strict
        ),
        .target(
            name: "VaultFormats",
            dependencies: ["VaultCore", "VaultSystem"],
            swiftSettings: strict
        ),
        .target(
            name: "VaultMCP",
            dependencies: ["VaultCore", "VaultPolicy", "VaultFormats", "VaultLaunch", "VaultSystem"],
            swiftSettings: strict
        ),
        .target(
            name: "VaultClient",
            dependencies: [
                "VaultCore", "VaultKeyring", "VaultPolicy", "VaultRotation", "VaultAgent", "VaultLaunch", "VaultRemote",
                "VaultFormats", "VaultMCP", "VaultHotPath", "VaultSystem",
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "vault",
            dependencies: ["VaultHotPath", "VaultSecrets", "VaultSystem"],
            swiftSettings: strict,
            // The launcher MCP clients start: small (no Foundation, GRDB, Yams or argument parser) and, in release,
            // linked as the CLI is (below) for the fastest start.
            linkerSettings: [
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        .executableTarget(
            name: "vault-cli",
            dependencies: [
                "VaultCore",
                "VaultKeyring",
                "VaultPolicy",
                "VaultRotation",
                "VaultAgent",
                "VaultLaunch",
                "VaultFormats",
                "VaultMCP",
                "VaultClient",
                "VaultRemote",
                "VaultSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            // Start-up is most of a launcher's cost: lld with packed relative relocations (DT_RELR, glibc ≥ 2.36)
            // loads the release binary ~0.4 ms faster than gold with RELA (docs/BENCHMARKS.md).
            linkerSettings: [
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        .executableTarget(
            name: "vault-bench",
            dependencies: [
                "VaultCore", "VaultPolicy", "VaultRotation", "VaultAgent", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/VaultBench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "vault-fuzz",
            dependencies: ["VaultCore", "VaultAgent", "VaultPolicy", "VaultFormats", "VaultMCP"],
            path: "Fuzz/VaultFuzz",
            swiftSettings: strict
        ),
        .target(
            name: "VaultTestSupport",
            dependencies: ["VaultCore"],
            path: "Tests/VaultTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultSystemTests",
            dependencies: ["VaultSystem"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultCoreTests",
            dependencies: ["VaultCore", "VaultTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Vectors")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultKeyringTests",
            dependencies: ["VaultKeyring", "VaultCore", "VaultTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultPolicyTests",
            dependencies: ["VaultPolicy", "VaultCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultRotationTests",
            dependencies: ["VaultRotation", "VaultPolicy", "VaultCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultRemoteTests",
            dependencies: ["VaultRemote", "VaultCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultAgentTests",
            dependencies: ["VaultAgent", "VaultCore", "VaultTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultLaunchTests",
            dependencies: ["VaultLaunch", "VaultCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultFormatsTests",
            dependencies: ["VaultFormats", "VaultCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultClientTests",
            dependencies: ["VaultClient", "VaultCore", "VaultHotPath", "VaultMCP", "VaultPolicy", "VaultTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultMCPTests",
            dependencies: ["VaultMCP", "VaultCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultCLITests",
            dependencies: [
                "vault", "vault-cli", "VaultCore", "VaultClient", "VaultHotPath",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
