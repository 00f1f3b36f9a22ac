import ShiplogMail
import Testing

@Suite struct MailAddressTests {
    @Test(arguments: [
        "ada@example.com",
        "first.last+releases@mail.example.co.uk",
        "o'brien@example.ie",
        "x@xn--bcher-kva.example",
        "UPPER_case-1{}@EXAMPLE.COM",
        String(repeating: "a", count: 64) + "@example.com",
    ])
    func accepted(address: String) throws {
        #expect(MailAddress.validate(address) == nil)
        #expect(try MailAddress(address).address == address)
    }

    @Test(arguments: [
        ("", "the address is empty"),
        ("ada", "the address has no @"),
        ("@example.com", "the address has nothing before the @"),
        ("ada@", "the address has no domain after the @"),
        ("ada@@example.com", "the address contains more than one @"),
        ("a da@example.com", "the address contains a space"),
        ("ada@example.com\r\nBcc: eve@example.net", "the address contains a line break"),
        ("ada@example.com\t", "the address contains a control character"),
        ("ada@exämple.com", "the address contains non-ASCII characters (write the domain in its xn-- form)"),
        ("ada@example", "the domain needs at least one dot, as in example.com"),
        (".ada@example.com", "the part before the @ starts or ends with a dot"),
        ("a..da@example.com", "the part before the @ contains two dots in a row"),
        ("<ada@example.com>", "the part before the @ contains the character \"<\""),
        ("\"ada\"@example.com", "the part before the @ contains the character \"\"\""),
        ("ada@example..com", "the domain contains an empty label (two dots in a row, or a dot at an end)"),
        ("ada@-example.com", "a label of the domain starts or ends with a hyphen"),
        ("ada@exa_mple.com", "the domain contains the character \"_\""),
        ("ada@[127.0.0.1]", "the domain contains the character \"[\""),
        ("ada@127.0.0.1", "the domain ends with a numeric label"),
        (String(repeating: "a", count: 65) + "@example.com", "the part before the @ is longer than 64 characters"),
        ("a@" + String(repeating: "b", count: 64) + ".com", "a label of the domain is longer than 63 characters"),
        ("a@" + String(repeating: "b.", count: 126) + "com", "the address is longer than 254 characters"),
    ])
    func rejected(address: String, problem: String) async {
        #expect(MailAddress.validate(address) == problem)
        let error = await expectSMTPError(.invalidMessage) { try MailAddress(address) }
        #expect(error?.isPermanent == true)
    }

    @Test func displayNames() throws {
        #expect(try MailAddress("ada@example.com", name: "Ada Lovelace").description == "Ada Lovelace <ada@example.com>")
        #expect(try MailAddress("ada@example.com", name: "").name == nil)
    }

    @Test func mailboxesAsACommandLineGivesThem() async throws {
        #expect(try MailAddress(mailbox: "ada@example.com") == MailAddress("ada@example.com"))
        #expect(try MailAddress(mailbox: "Ada Lovelace <ada@example.com>") == MailAddress("ada@example.com", name: "Ada Lovelace"))
        #expect(try MailAddress(mailbox: #""Lovelace, \"Ada\" \\" <ada@example.com>"#) == MailAddress("ada@example.com", name: #"Lovelace, "Ada" \"#))
        #expect(try MailAddress(mailbox: "<ada@example.com>") == MailAddress("ada@example.com"))
        await expectSMTPError(.invalidMessage) { try MailAddress(mailbox: "Ada <not an address>") }
        await expectSMTPError(.invalidMessage) { try MailAddress(mailbox: "Ada <>") }
    }
}
