import CShiplogSupport
import ShiplogCLI

shiplog_tune_malloc()
await ShiplogCommand.start()
