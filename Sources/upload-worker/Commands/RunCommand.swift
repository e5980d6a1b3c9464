import Foundation
import Logging
import UploadWorker

/// `upload-worker run`: the worker. Its options are generated from the settings table
/// (`WorkerConfiguration.settings`), so `--help`, the environment and docs/configuration.md agree.
enum RunCommand: Command {
    static let name = "run"
    static let abstract = "Consume upload requests, upload the images by URL, publish results and errors."

    static var options: [Option] {
        WorkerConfiguration.settings.compactMap { setting in
            setting.flag.map { .value($0, setting.valueName, default: setting.defaultValue, help: WorkerConfiguration.help(for: setting)) }
        } + [.hiddenFlag("markdown", help: "Print the settings as the Markdown table of docs/configuration.md.")]
    }

    static var discussion: String { WorkerConfiguration.helpDiscussion }

    static func run(_ options: ParsedOptions) async throws -> Int32 {
        if options.flag("markdown") {
            print(WorkerConfiguration.markdownTable, terminator: "")
            return 0
        }
        // Configuration first: a bad setting is one line and exit code 2, before connecting anywhere.
        let configuration: WorkerConfiguration
        do {
            configuration = try WorkerConfiguration.fromEnvironment(flags: options.values)
        } catch {
            FileHandle.standardError.write(Data("upload-worker run: \(error)\n".utf8))
            return 2
        }
        LoggingSystem.bootstrap(StreamLogHandler(format: configuration.logFormat), level: configuration.logLevel)
        let logger = Logger(label: "upload-worker")
        logger.info("configuration loaded", metadata: configuration.logMetadata)
        for warning in configuration.warnings { logger.warning("\(warning)") }

        // ---- PIPELINE START (call site) ----------------------------------------------------------
        // Runs until SIGTERM/SIGINT (graceful: exit 0) or until the worker stops by itself
        // (exit 3: the Images API refuses the credentials/account; exit 4: fatal Kafka error).
        // Exit 1: the worker could not start. See WorkerTermination and docs/pipeline.md.
        let service = UploadWorkerService(configuration: configuration, logger: logger)
        let signals = Task {
            let signal = await ShutdownSignal.wait()
            logger.info("signal received", metadata: ["signal": .string(signal == SIGTERM ? "SIGTERM" : "SIGINT")])
            service.shutdown()
        }
        defer { signals.cancel() }
        do {
            let termination = try await service.run()
            return termination.exitCode
        } catch {
            logger.critical("the worker could not start", metadata: ["error": .string("\(error)")])
            FileHandle.standardError.write(Data("upload-worker run: \(error)\n".utf8))
            return 1
        }
        // ---- PIPELINE START END ------------------------------------------------------------------
    }
}
