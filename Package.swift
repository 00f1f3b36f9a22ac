// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "shiplog",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shiplog", targets: ["shiplog"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
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
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ShiplogMarkdown",
            dependencies: ["CCmark"],
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
            name: "ShiplogCLI",
            dependencies: [
                "ShiplogModel",
                "ShiplogSite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "shiplog",
            dependencies: ["ShiplogCLI"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ShiplogModelTests", dependencies: ["ShiplogModel"], swiftSettings: swiftSettings),
        .testTarget(name: "ShiplogMarkdownTests", dependencies: ["ShiplogMarkdown"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ShiplogSiteTests",
            dependencies: ["ShiplogSite", "ShiplogModel", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ShiplogCLITests", dependencies: ["ShiplogCLI"], swiftSettings: swiftSettings),
    ]
)
