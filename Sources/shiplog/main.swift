import ShiplogCLI

await ShiplogCommand.start()
