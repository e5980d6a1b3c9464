// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: the executable -> UploadWorker -> {Kafka, CloudflareImages, HTTPServer};
// ImagesEmulator -> {HTTPServer, CloudflareImages}. Only the C wrappers import the C modules.
let package = Package(
    name: "upload-worker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "upload-worker", targets: ["upload-worker"]),
    ],
    targets: [
        // C libraries from Debian -dev packages.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // Small in-house pieces shaped like swift-log.
        .target(name: "Logging"),

        .target(name: "Kafka", dependencies: ["CRdKafka", "Logging"]),
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD", "Logging"]),
        .target(name: "HTTPClient", dependencies: ["CCurl", "Logging"]),
        .target(name: "CloudflareImages", dependencies: ["HTTPClient", "Logging"]),
        .target(name: "ImagesEmulator", dependencies: ["HTTPServer", "HTTPClient", "CloudflareImages", "Logging"]),
        .target(name: "UploadWorker", dependencies: ["Kafka", "CloudflareImages", "HTTPServer", "HTTPClient", "CSQLite", "Logging"]),
        .executableTarget(
            name: "upload-worker",
            dependencies: ["UploadWorker", "ImagesEmulator", "Kafka", "CloudflareImages", "HTTPServer", "HTTPClient", "Logging"]
        ),

        .testTarget(name: "LoggingTests", dependencies: ["Logging"]),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "Logging"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTPServer", "HTTPClient"]),
        .testTarget(name: "CloudflareImagesTests", dependencies: ["CloudflareImages", "HTTPServer", "ImagesEmulator"]),
        .testTarget(name: "ImagesEmulatorTests", dependencies: ["ImagesEmulator", "CloudflareImages", "HTTPServer"], exclude: ["Fixtures"]),
        .testTarget(name: "UploadWorkerTests", dependencies: ["UploadWorker", "Kafka", "ImagesEmulator", "CloudflareImages"]),
        // Runs the built `upload-worker` executable as child processes against the embedded Kafka
        // and the emulator; depends on it so that it is built before the tests.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Kafka", "ImagesEmulator", "CloudflareImages", "UploadWorker", "Logging", "upload-worker"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
