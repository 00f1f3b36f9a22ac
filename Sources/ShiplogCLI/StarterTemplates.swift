import ShiplogModel

/// The files `shiplog init` writes.
enum StarterTemplates {
    /// The workflow's shiplog source until the team sets theirs (the workflow stops with a message while it is there).
    static let placeholderSource = "https://github.com/YOUR-ORG/shiplog.git"

    /// A `releases.json` valid per SPEC §1: the page, one component, one release dated `date`.
    static func releases(id: String, product: String, date: Timestamp) -> String {
        let data = object([
            "page": object([
                "id": .string(id),
                "title": .string("\(product) releases"),
                "description": .string("What changed in \(product), release by release."),
                "grouping": .string("none"),
            ]),
            "components": .array([
                object([
                    "slug": .string("app"),
                    "name": .string(product),
                    "description": .string("Replace with what this component is; add one object per component."),
                ])
            ]),
            "releases": .array([
                object([
                    "component": .string("app"),
                    "version": .string("v0.1.0"),
                    "title": .string("First release"),
                    "published_at": .string(date.rfc3339),
                    "notes": .string("### Added\n- A release page, built by shiplog from `releases.json`: add a release for each version.\n"),
                ])
            ]),
        ])
        return JSONWriter.write(data, pretty: true) + "\n"
    }

    /// A JSON object with these members, in this order.
    private static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(members.map { JSONMember($0.key, $0.value) })
    }

    /// A GitHub Actions workflow: builds shiplog once (cached), checks and builds the page, publishes it with GitHub Pages.
    static func workflow(source: String, ref: String) -> String {
        """
        # The release page: built from releases.json by shiplog and published with GitHub Pages
        # (in the repository's Settings → Pages, set Source to "GitHub Actions").
        # Written by `shiplog init`. A templates/ folder here, if any, overrides the default theme
        # file by file (start one with `shiplog theme export templates`).
        name: Release page

        on:
          push:
            branches: [main]
          workflow_dispatch:

        permissions:
          contents: read
          pages: write
          id-token: write

        concurrency:
          group: release-page
          cancel-in-progress: false

        env:
          # Where shiplog is built from, once: the first build takes about 8 minutes, later runs reuse it.
          SHIPLOG_SOURCE: \(source)
          SHIPLOG_REF: \(ref)

        jobs:
          build:
            runs-on: ubuntu-latest
            container: swift:6.2
            steps:
              - uses: actions/checkout@v4
              - name: Libraries shiplog uses
                run: apt-get update && apt-get install -y libcmark-dev libsqlite3-dev
              - name: Cached shiplog
                id: shiplog
                uses: actions/cache@v4
                with:
                  path: /opt/shiplog
                  key: shiplog-${{ env.SHIPLOG_SOURCE }}-${{ env.SHIPLOG_REF }}
              - name: Build shiplog
                if: steps.shiplog.outputs.cache-hit != 'true'
                run: |
                  case "$SHIPLOG_SOURCE" in *YOUR-ORG*) echo "::error::Set SHIPLOG_SOURCE in $GITHUB_WORKFLOW_REF to shiplog's git URL"; exit 1;; esac
                  git clone --depth 1 --branch "$SHIPLOG_REF" "$SHIPLOG_SOURCE" /tmp/shiplog
                  cd /tmp/shiplog && swift build -c release --product shiplog --static-swift-stdlib
                  mkdir -p /opt/shiplog && cp .build/release/shiplog /opt/shiplog/shiplog
              - name: Check the data
                run: /opt/shiplog/shiplog check --data releases.json
              - name: Previous build (only changed pages are rendered again)
                uses: actions/cache@v4
                with:
                  path: |
                    public
                    .public.shiplog-cache
                    .public.shiplog-releases
                  key: release-page-${{ github.sha }}
                  restore-keys: release-page-
              - name: Build the page
                run: |
                  if [ -d templates ]; then set -- --templates templates; fi
                  /opt/shiplog/shiplog build --data releases.json --out public "$@"
              - uses: actions/upload-pages-artifact@v3
                with:
                  path: public

          deploy:
            needs: build
            runs-on: ubuntu-latest
            environment:
              name: github-pages
              url: ${{ steps.deployment.outputs.page_url }}
            steps:
              - id: deployment
                uses: actions/deploy-pages@v4

        """
    }
}
