import CShiplogSupport
import ShiplogCLI

#if canImport(Glibc)
import Glibc
#endif

// SCRATCH A/B switch (issue 17): SHIPLOG_AB_NO_MALLOPT=1 leaves malloc's defaults.
if getenv("SHIPLOG_AB_NO_MALLOPT") == nil { shiplog_tune_malloc() }
await ShiplogCommand.start()
