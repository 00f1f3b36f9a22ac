import ShiplogModel
import Testing

/// The hash under every fingerprint (MurmurHash3 x64 128, seed 0) gives the reference's values, for every
/// tail length and past a block: cached digests from earlier builds must stay valid.
@Suite struct DigestVectorTests {
    /// The digest of bytes `i * 37 + 11` (i = 0, 1, …) for 0 to 33 bytes, as the hash gave them on 2026-12-07.
    static let vectors = [
        "00000000000000000000000000000000",
        "932fc7cce617f1e77a434b816c4508dc",
        "cff7e5ae5471b39d8549c3b277c47536",
        "6afac0b8de81a4b10cdcf4fb816ab243",
        "d3a4eed1b81f9f728f4cf22ad9a420cd",
        "b0330f40087f990bad93f9759963f50b",
        "32d1f10b04077a124b5791ad3829937e",
        "8340cc686662983ba08f38dfaa7ff6f9",
        "f0b144007f89ced7d02221832d7af9a1",
        "dbb3088eaec8a0b1cbde24182efe09a9",
        "7fc82ef8fd4f371e7a1ac716596298b0",
        "ce105a4d0920d564c5c7129b727fc1d6",
        "11eea59fafc3bbb8de304d589b0ddbf8",
        "3c0bc0c7790cc4e7f34ba40d12f9b27e",
        "4af05278beeea17127302e3cea75fb09",
        "2906f047b67f83ff49ca338fe7701fac",
        "da9c66580c5ef0fb885aae87bb6c5ff7",
        "78b8ee9a775e07d1e36790301698fce0",
        "5022ece9b605f7d816d1b21eec8d67ac",
        "40591a6345e2fd5e3d2b31d643027caf",
        "f85aeb21888559f3a65eec4ab46824ee",
        "2c128c13418db6f393818c98df190fa8",
        "c0ffc3389f0350726dfadfaec1dcf534",
        "01b7d4fb84dc53aa5ad5c324b9edfa99",
        "8372e2feeb61eb1ce8f405aaf3f01b03",
        "ed9e2943729d5da2704bb843bd5ff913",
        "9fcd422e337cdec4628fa90e86818db5",
        "454a6a1202a0fd74e3a5ff0398ea8b76",
        "c2ea419f1d4c02de82b2e058cfa3ecda",
        "2ab2e5425a3cf241bef6e3ba00dbfc06",
        "fde530955c73468b3e2a6a483ba0dd7c",
        "b1ca061ed4c5532fcb6926489e7b3763",
        "af7374eb8efe799b3a5200924dcdd6ff",
        "08b88a88c3099ba915c06fbdb5df8af9",
    ]

    @Test(arguments: 0...33)
    func everyTailLength(count: Int) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
        let digest = bytes.withUnsafeBufferPointer { Digest(of: $0) }
        #expect(digest.hex == Self.vectors[count])
    }

    /// The reference implementation's published value.
    @Test func quickBrownFox() {
        let digest = Array("The quick brown fox jumps over the lazy dog".utf8).withUnsafeBufferPointer { Digest(of: $0) }
        #expect(digest.hex == "e34bbc7bbc071b6c7a433ca9c49a9347")
    }
}
