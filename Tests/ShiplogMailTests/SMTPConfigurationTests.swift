import Testing

@testable import ShiplogMail

@Suite struct SMTPConfigurationTests {
    @Test func plainURLHasDefaults() throws {
        let configuration = try SMTPConfiguration(url: "smtp://mail.example.com")
        #expect(configuration.host == "mail.example.com")
        #expect(configuration.port == 25)
        #expect(configuration.security == .startTLS(.whenOffered))
        #expect(configuration.certificateVerification == .system)
        #expect(configuration.credentials == nil)
        #expect(configuration.clientName == "localhost")
        #expect(configuration.connectTimeout == .seconds(10))
        #expect(configuration.commandTimeout == .seconds(60))
    }

    @Test func smtpsDefaultsToPort465() throws {
        let configuration = try SMTPConfiguration(url: "SMTPS://mail.example.com/")
        #expect(configuration.port == 465)
        #expect(configuration.security == .implicitTLS)
    }

    @Test func credentialsArePercentDecoded() throws {
        let configuration = try SMTPConfiguration(url: "smtp://mailer%40example.com:p%3Ass%2Fw%25rd%C3%A9@mail.example.com:587")
        #expect(configuration.credentials == SMTPConfiguration.Credentials(user: "mailer@example.com", password: "p:ss/w%rdé"))
        #expect(configuration.port == 587)
        #expect(configuration.description == "smtp://mailer@example.com:***@mail.example.com:587")
    }

    @Test func options() throws {
        let required = try SMTPConfiguration(url: "smtp://u:p@127.0.0.1:2525?starttls=required&tls_ca=/etc/ssl/ca%20file.pem&ehlo=shiplog.example")
        #expect(required.security == .startTLS(.required))
        #expect(required.certificateVerification == .trusting(caFile: "/etc/ssl/ca file.pem"))
        #expect(required.clientName == "shiplog.example")
        let never = try SMTPConfiguration(url: "smtp://[::1]:2525?starttls=never&tls_verify=false&timeout=2.5&connect_timeout=1")
        #expect(never.host == "::1")
        #expect(never.security == .startTLS(.never))
        #expect(never.certificateVerification == .none)
        #expect(never.commandTimeout == .milliseconds(2500))
        #expect(never.connectTimeout == .seconds(1))
        #expect(never.description == "smtp://[::1]:2525?starttls=never&tls_verify=false")
    }

    @Test(arguments: [
        ("mail.example.com", "expected smtp://HOST[:PORT] or smtps://HOST[:PORT]"),
        ("http://mail.example.com", "the scheme must be smtp or smtps, not \"http\""),
        ("smtp://", "the host is missing"),
        ("smtp://:25", "the host is missing"),
        ("smtp://mail example.com", "the host \"mail example.com\" may only hold letters, digits, '-', '_' and '.'"),
        ("smtp://mail.example.com:0", "the port must be a number from 1 to 65535, not \"0\""),
        ("smtp://mail.example.com:70000", "the port must be a number from 1 to 65535, not \"70000\""),
        ("smtp://mail.example.com:smtp", "the port must be a number from 1 to 65535, not \"smtp\""),
        ("smtp://mail.example.com/relay", "a path is not allowed after the host and port"),
        ("smtp://mail.example.com#x", "a fragment (#…) is not allowed"),
        ("smtp://user@mail.example.com", "a user name needs a password (USER:PASSWORD@HOST, or the password apart from the URL)"),
        ("smtp://u:p@h.example?starttls=never", "credentials are sent only over TLS: remove starttls=never, or the credentials"),
        ("smtp://user:@mail.example.com", "the user name and the password must not be empty"),
        ("smtp://user:p%zz@mail.example.com", "the user name or password has a bad percent-escape (write % as %25)"),
        ("smtp://[::1", "an IPv6 address lacks its closing ]"),
        ("smtp://h.example?starttls=maybe", "starttls must be offered, required or never, not \"maybe\""),
        ("smtps://h.example?starttls=required", "starttls does not apply to smtps://, which is TLS from the start"),
        ("smtp://h.example?tls_verify=no", "tls_verify must be true or false, not \"no\""),
        ("smtp://h.example?tls_ca=/ca.pem&tls_verify=false", "tls_ca and tls_verify=false contradict each other"),
        ("smtp://h.example?timeout=0", "timeout must be a number of seconds from 0 to 3600, not \"0\""),
        ("smtp://h.example?starttls", "the option \"starttls\" needs a value (NAME=VALUE)"),
        ("smtp://h.example?verify=0", "unknown option \"verify\"; known: starttls, tls_verify, tls_ca, ehlo, connect_timeout, timeout"),
    ])
    func badURLs(url: String, problem: String) async {
        let error = await expectSMTPError(.invalidConfiguration) { try SMTPConfiguration(url: url) }
        #expect(error?.message == "invalid SMTP URL: " + problem)
    }

    @Test func passwordApartFromTheURL() async throws {
        let configuration = try SMTPConfiguration(url: "smtp://mailer%40example.com@mail.example.com:587", password: "p:ss")
        #expect(configuration.credentials == SMTPConfiguration.Credentials(user: "mailer@example.com", password: "p:ss"))
        #expect(configuration.description == "smtp://mailer@example.com:***@mail.example.com:587")
        let twice = await expectSMTPError(.invalidConfiguration) { try SMTPConfiguration(url: "smtp://u:p@h.example", password: "q") }
        #expect(twice?.message == "invalid SMTP URL: a password was given apart from the URL, so the URL must not hold one too (smtp://USER@HOST)")
        let noUser = await expectSMTPError(.invalidConfiguration) { try SMTPConfiguration(url: "smtp://h.example", password: "q") }
        #expect(noUser?.message == "invalid SMTP URL: a password was given apart from the URL, but the URL names no user (smtp://USER@HOST)")
        let empty = await expectSMTPError(.invalidConfiguration) { try SMTPConfiguration(url: "smtp://u@h.example", password: "") }
        #expect(empty?.message == "invalid SMTP URL: the user name and the password must not be empty")
    }

    @Test func errorsNeverShowThePassword() async {
        let error = await expectSMTPError(.invalidConfiguration) { try SMTPConfiguration(url: "smtp://user:hunter2@mail.example.com:0") }
        #expect(error.map { !"\($0)".contains("hunter2") } == true)
    }
}
