@testable import ShiplogModel

/// A release of the component `app` published `day` days after 2024-01-01, as the update tests
/// (``UpdateAnswerTests``, ``UpdateChannelTests``) make them.
func appRelease(
    _ version: String,
    day: Int64,
    status: Release.Status = .published,
    channel: String? = nil,
    assets: [Release.Asset] = [],
    notes: String? = nil
) -> Release {
    Release(
        component: "app",
        version: Version(version),
        publishedAt: Timestamp(seconds: 1_704_067_200 + day * 86_400),
        notes: notes,
        status: status,
        assets: assets,
        channel: channel
    )
}
