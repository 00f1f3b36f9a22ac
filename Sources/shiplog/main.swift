import ArgumentParser
import CShiplogSupport
import ShiplogCLI

/// Runs `Command` through ArgumentParser's own async entry (`AsyncParsableCommand.main()`): in a
/// context that knows only that it is async, the async `main` is the one chosen.
func start<Command: AsyncParsableCommand>(_: Command.Type) async { await Command.main() }

shiplog_tune_malloc()
await start(ShiplogCommand.self)
