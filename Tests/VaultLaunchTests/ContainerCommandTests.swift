import Testing
import VaultCore
import VaultLaunch

struct ContainerCommandTests {
    @Test(arguments: [
        (["podman", "run", "--rm", "img"], ["podman", "run", "--secret", "s", "--rm", "img"], [String]()),
        (
            ["/usr/bin/podman", "--root", "/r", "--runtime=runc", "container", "run", "img"],
            ["/usr/bin/podman", "--root", "/r", "--runtime=runc", "container", "run", "--secret", "s", "img"],
            ["--root", "/r", "--runtime=runc"]
        ),
        (
            ["docker", "-H", "unix:///x", "create", "img"],
            ["docker", "-H", "unix:///x", "create", "--secret", "s", "img"], ["-H", "unix:///x"]
        ),
    ])
    func containerCommandsGetOptionsAfterTheSubcommand(
        _ argv: [String], _ expected: [String], _ globals: [String]
    ) throws {
        let command = try #require(ContainerCommand(argv))
        #expect(command.inserting(["--secret", "s"]) == expected)
        #expect(command.globalOptions == globals)
    }

    @Test func otherCommandsAreNotContainers() {
        #expect(ContainerCommand(["podman", "ps"]) == nil)
        #expect(ContainerCommand(["npx", "run"]) == nil)
        #expect(ContainerCommand(["podman", "--log-level", "debug"]) == nil)
    }

    @Test(arguments: [
        (VersionSelector.current, "vault_github_token"), (.number(3), "vault_github_token_v3"),
        (.previous, "vault_github_token_previous"),
    ])
    func podmanSecretNamesSayWhichVersion(_ version: VersionSelector, _ expected: String) {
        #expect(ContainerCommand.podmanSecretName(secret: "github/token", version: version) == expected)
    }
}
