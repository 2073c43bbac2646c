import Testing
import VaultLaunch

/// Reading `docker run` / `podman run` options and rewriting the command around the helper, without an engine
/// (DockerTests and ContainerTests run the results in real containers).
struct ContainerInjectionTests {
    func options(_ argv: [String]) throws -> (ContainerCommand, ContainerRunOptions) {
        let command = try #require(ContainerCommand(argv))
        return (command, try #require(ContainerRunOptions(command)))
    }

    @Test(arguments: [
        (["docker", "run", "img"], 2),
        (["docker", "run", "--rm", "-i", "img", "serve"], 4),
        (["docker", "run", "-it", "--name", "x", "img"], 5),
        (["docker", "run", "-e", "A", "--env=B=1", "-v/a:/b", "img"], 6),
        (["docker", "-H", "unix:///s", "container", "run", "--network", "none", "--", "img", "-x"], 8),
        (["podman", "--root", "/r", "run", "--replace", "--ulimit", "nofile=1:1", "img"], 7),
    ])
    func theImageIsFoundWhateverTheOptions(_ argv: [String], _ image: Int) throws {
        #expect(try options(argv).1.imageIndex == image)
    }

    @Test func userEntrypointAndDetachAreRead() throws {
        let (_, given) = try options(["docker", "run", "-dit", "-u1000:1000", "--entrypoint=/bin/app", "img"])
        #expect(given.detached)
        #expect(given.user == "1000:1000")
        #expect(given.entrypoint?.value == "/bin/app")
        let (_, spaced) = try options(["docker", "run", "--user", "app", "--entrypoint", "/x", "img"])
        #expect(!spaced.detached)
        #expect(spaced.user == "app")
        #expect(spaced.entrypoint?.indices == [4, 5])
    }

    @Test func optionsWithoutAnImageAreNotARun() throws {
        let command = try #require(ContainerCommand(["docker", "run", "--rm", "--name", "x"]))
        #expect(ContainerRunOptions(command) == nil)
    }

    @Test func theHelperRunsTheImagesEntrypointWithTheGivenArguments() throws {
        let (command, given) = try options(["docker", "run", "--rm", "img", "--port", "8080"])
        let image = ContainerImage(entrypoint: ["/srv/server"], command: ["--default"], user: "")
        let argv = try ContainerInjection.helperArgv(
            command, options: given, image: image, helper: "/opt/vault-env-helper", mounts: ["-m"])
        #expect(
            argv == [
                "docker", "run", "-m", "--mount",
                "type=bind,source=/opt/vault-env-helper,target=/run/vault/env-helper,readonly",
                "--entrypoint", "/run/vault/env-helper", "--rm", "img", "/srv/server", "--port", "8080",
            ])
    }

    @Test func withoutArgumentsTheImagesCommandFollowsItsEntrypoint() throws {
        let (command, given) = try options(["docker", "run", "img"])
        let image = ContainerImage(entrypoint: ["/srv/server"], command: ["--default"], user: "")
        let argv = try ContainerInjection.helperArgv(command, options: given, image: image, helper: "/h", mounts: [])
        #expect(Array(argv.suffix(3)) == ["img", "/srv/server", "--default"])
    }

    @Test func aGivenEntrypointReplacesTheImagesAndItsCommand() throws {
        let (command, given) = try options(["docker", "run", "--entrypoint", "/bin/app", "img", "serve"])
        let image = ContainerImage(entrypoint: ["/srv/server"], command: ["--default"], user: "")
        let argv = try ContainerInjection.helperArgv(command, options: given, image: image, helper: "/h", mounts: [])
        #expect(argv.filter { $0 == "--entrypoint" }.count == 1)
        #expect(Array(argv.suffix(3)) == ["img", "/bin/app", "serve"])
    }

    @Test func anImageWithNothingToRunIsABadInput() throws {
        let (command, given) = try options(["docker", "run", "img"])
        let image = ContainerImage(entrypoint: [], command: [], user: "")
        let error = #expect(throws: Launcher.Failure.self) {
            _ = try ContainerInjection.helperArgv(command, options: given, image: image, helper: "/h", mounts: [])
        }
        #expect(error?.status == 2)
    }

    @Test func fileStyleMountsSetThePathVariable() {
        #expect(
            ContainerInjection.mounts(["API_KEY"], from: "/run/user/1/vault-run-1-2", fileStyle: true) == [
                "--mount", "type=bind,source=/run/user/1/vault-run-1-2/API_KEY,target=/run/secrets/API_KEY,readonly",
                "--env", "API_KEY_FILE=/run/secrets/API_KEY",
            ])
    }

    @Test func passThroughOfSuppliedVariablesIsDroppedAndOthersKept() throws {
        let (command, given) = try options([
            "docker", "run", "-e", "API_KEY", "--env=TOKEN", "-eOTHER", "--env", "MODE=prod", "-e", "KEEP", "img", "-e",
            "API_KEY",
        ])
        #expect(
            ContainerInjection.droppingPassThrough(command, options: given, variables: ["API_KEY", "TOKEN", "MODE"])
                == ["docker", "run", "-eOTHER", "--env", "MODE=prod", "-e", "KEEP", "img", "-e", "API_KEY"])
    }

    @Test func environmentOptionsAreReadInEveryFormBeforeTheImage() throws {
        let (_, given) = try options([
            "podman", "--log-level", "error", "run", "-i", "-e", "API_KEY=k1", "--env=TOKEN=t=2", "-eOTHER", "--env",
            "MODE", "-u", "1000", "img", "-e", "AFTER=image",
        ])
        let read = given.environment.map { "\($0.index) \($0.flag)|\($0.variable) \($0.hasValue)" }
        #expect(read == ["6 |API_KEY true", "7 --env=|TOKEN true", "8 -e|OTHER false", "10 |MODE false"])
    }

    @Test func podmanSecretsMountAtTheSameTargets() {
        #expect(
            ContainerInjection.podmanSecretMount("vault_svc_key", variable: "API_KEY", fileStyle: true) == [
                "--secret", "vault_svc_key,type=mount,target=/run/secrets/API_KEY", "--env",
                "API_KEY_FILE=/run/secrets/API_KEY",
            ])
        #expect(
            ContainerInjection.podmanSecretMount("vault_svc_key", variable: "API_KEY", fileStyle: false) == [
                "--secret", "vault_svc_key,type=mount,target=/run/vault/env/API_KEY",
            ])
    }
}
