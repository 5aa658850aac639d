# Debian packages (debian/): chat-server and chat-client, built from the committed tree
# (DEB_REF, HEAD by default; `git stash create` gives one with uncommitted changes) in
# build-deb/, where the .deb files land, then checked by lintian (errors fail).
#   make deb-check   also installs them, runs the installed server and a chat-cli login
#                    against it, and purges them (scripts/deb-check; needs root)
DEB_REF ?= HEAD
.PHONY: deb deb-check
deb:
	rm -rf build-deb
	mkdir -p build-deb
	git archive --format=tar --prefix=chat-$(VERSION)/ $(DEB_REF) | tar -x -C build-deb
	cd build-deb/chat-$(VERSION) && DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -us -uc -b
	lintian --fail-on error build-deb/*.changes

deb-check: deb
	scripts/deb-check build-deb
