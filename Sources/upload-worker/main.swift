import Foundation

// Wiring only: pick the command, parse its options, run it. Everything else lives in the library
// modules (C callbacks must not be written here: main.swift code is main-actor isolated).

let commands: [any Command.Type] = [
    RunCommand.self,
    DemoCommand.self,
    DevKafkaCommand.self,
    EmulatorCommand.self,
    BenchCommand.self,
    HTTPEchoCommand.self,
]

let rootHelp = """
    OVERVIEW: A Kafka worker that uploads images to Cloudflare Images by URL.

    USAGE: upload-worker <command> [options]

    COMMANDS:
    \(commands.filter { !$0.isHidden }.map { "  " + $0.name.padding(toLength: 12, withPad: " ", startingAt: 0) + $0.abstract }.joined(separator: "\n"))

    See 'upload-worker <command> --help' for the options of a command.
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("upload-worker: \(message)\n".utf8))
    exit(2)
}

var argv = Array(CommandLine.arguments.dropFirst())
guard let first = argv.first else {
    print(rootHelp)
    exit(2)
}
if first == "--help" || first == "-h" || first == "help" {
    print(rootHelp)
    exit(0)
}
guard let command = commands.first(where: { $0.name == first }) else {
    fail("unknown command '\(first)'. See 'upload-worker --help'.")
}
argv.removeFirst()

let parsed: ParsedOptions
do {
    parsed = try ParsedOptions(argv, declared: command.options, maxPositionals: command.positionals.count)
} catch {
    fail("\(error.description). See 'upload-worker \(command.name) --help'.")
}
if parsed.helpRequested {
    print(command.help)
    exit(0)
}

do {
    exit(try await command.run(parsed))
} catch let error as UsageError {
    fail("\(error.description). See 'upload-worker \(command.name) --help'.")
} catch {
    FileHandle.standardError.write(Data("upload-worker \(command.name): \(error)\n".utf8))
    exit(1)
}
