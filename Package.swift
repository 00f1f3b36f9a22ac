// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// shiplog builds and runs on Linux only: it calls Glibc directly (renameat2, mallopt, /proc).
let package = Package(
    name: "shiplog",
    products: [
        .executable(name: "shiplog", targets: ["shiplog"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        .target(name: "CShiplogSupport"),
        .target(
            name: "ShiplogModel",
            dependencies: ["CShiplogSupport"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ShiplogMarkdown",
            dependencies: ["CCmark", "CShiplogSupport"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ShiplogSite",
            dependencies: [
                "ShiplogModel",
                "ShiplogMarkdown",
                "CShiplogSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ShiplogImport",
            dependencies: ["ShiplogModel", "ShiplogMarkdown"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ShiplogStore",
            dependencies: [
                "ShiplogModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL behind the same Store protocol (SPEC §8); its own target so the SQLite store
        // does not link PostgresNIO.
        .target(
            name: "ShiplogPostgres",
            dependencies: [
                "ShiplogModel",
                "ShiplogStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ShiplogServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                "ShiplogMail",
                "ShiplogModel",
                "ShiplogStore",
                "ShiplogSite",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ShiplogMail",
            dependencies: [
                "ShiplogModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ShiplogCLI",
            dependencies: [
                "ShiplogImport",
                "ShiplogMail",
                "ShiplogModel",
                "ShiplogSite",
                "ShiplogStore",
                "ShiplogPostgres",
                "ShiplogServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "shiplog",
            dependencies: ["ShiplogCLI", "CShiplogSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ShiplogModelTests", dependencies: ["ShiplogModel"], swiftSettings: swiftSettings),
        .testTarget(name: "ShiplogMarkdownTests", dependencies: ["ShiplogMarkdown"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ShiplogSiteTests",
            dependencies: ["ShiplogSite", "ShiplogModel", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ShiplogStoreTests",
            dependencies: ["ShiplogStore", "ShiplogPostgres", "ShiplogModel", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ShiplogPostgresTests",
            dependencies: [
                "ShiplogPostgres", "ShiplogStore", "ShiplogModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ShiplogImportTests",
            dependencies: ["ShiplogImport", "ShiplogModel", "ShiplogMarkdown"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ShiplogCLITests", dependencies: ["ShiplogCLI"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ShiplogServerTests",
            dependencies: [
                "ShiplogServer", "ShiplogStore", "ShiplogModel",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ShiplogMailTests",
            dependencies: ["ShiplogMail"],
            exclude: ["smtp_sink.py"],
            swiftSettings: swiftSettings
        ),
    ]
)
