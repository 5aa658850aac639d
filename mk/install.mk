# Installing: make install builds the programs for PREFIX into build-install/ (they read
# $(SYSCONFDIR)/chat-server/chat-server.conf and the translations under $(LOCALEDIR))
# and copies them, their man pages, the desktop entry, icon and AppStream metainfo, the
# systemd unit, the default configuration, the logrotate snippet and the translations
# under DESTDIR; make uninstall removes exactly those files.
INSTALL ?= install
MAN_PAGES := $(OUT)/man/chat-server.8 $(OUT)/man/chat-cli.1 $(OUT)/man/chat-client.1
DATA_FILES := $(OUT)/data/$(APP_ID).desktop $(OUT)/data/$(APP_ID).metainfo.xml \
	$(OUT)/data/chat-server.service $(OUT)/data/chat-server.conf
INSTALLED_FILES := $(SBINDIR)/chat-server $(BINDIR)/chat-cli $(BINDIR)/chat-client \
	$(MANDIR)/man8/chat-server.8 $(MANDIR)/man1/chat-cli.1 $(MANDIR)/man1/chat-client.1 \
	$(DATADIR)/applications/$(APP_ID).desktop \
	$(DATADIR)/icons/hicolor/scalable/apps/$(APP_ID).svg \
	$(DATADIR)/metainfo/$(APP_ID).metainfo.xml \
	$(UNITDIR)/chat-server.service \
	$(SYSCONFDIR)/chat-server/chat-server.conf \
	$(SYSCONFDIR)/logrotate.d/chat-server \
	$(foreach l,$(LINGUAS),$(LOCALEDIR)/$(l)/LC_MESSAGES/$(GETTEXT_PACKAGE).mo)

.PHONY: install install-files uninstall man data
man: $(MAN_PAGES)
data: $(DATA_FILES)

# Man pages from each program's --help and man/NAME.h2m (the sections --help lacks), so
# they cannot drift apart. GOption's "…" becomes "..." (groff -ww takes ASCII only).
HELP2MAN = LANGUAGE= help2man --locale=C.UTF-8 --no-info --no-discard-stderr \
	--version-string=$(VERSION) --include=$(word 2,$^) --output=$@
$(OUT)/man/chat-server.8: $(OUT)/chat-server man/chat-server.h2m
	@mkdir -p $(dir $@)
	$(HELP2MAN) --section=8 ./$<
	sed -i 's/…/.../g' $@
$(OUT)/man/%.1: $(OUT)/% man/%.h2m
	@mkdir -p $(dir $@)
	env -u DISPLAY -u WAYLAND_DISPLAY $(HELP2MAN) --section=1 ./$<
	sed -i 's/…/.../g' $@

# The desktop entry and metainfo, named by APP_ID, with their translations merged in
# from po/.
$(OUT)/data/$(APP_ID).desktop: data/chat-client.desktop.in $(wildcard po/*.po) po/LINGUAS
	@mkdir -p $(dir $@)
	msgfmt --desktop --template=$< -d po -o $@.tmp
	sed 's|@APP_ID@|$(APP_ID)|g' $@.tmp > $@ && rm $@.tmp
$(OUT)/data/$(APP_ID).metainfo.xml: data/chat-client.metainfo.xml.in $(wildcard po/*.po) po/LINGUAS
	@mkdir -p $(dir $@)
	msgfmt --xml --template=$< -d po -o $@.tmp
	sed 's|@APP_ID@|$(APP_ID)|g' $@.tmp > $@ && rm $@.tmp
$(OUT)/data/chat-server.service: data/chat-server.service.in $(OUT)/build-defs
	@mkdir -p $(dir $@)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $< > $@
$(OUT)/data/chat-server.conf: $(OUT)/chat-server scripts/make-config
	@mkdir -p $(dir $@)
	scripts/make-config $< > $@

install:
	$(MAKE) INSTALLED=1 install-files

# What install-files copies (with INSTALLED=1; the Debian build runs it on its own).
.PHONY: install-build
install-build: $(OUT)/chat-server $(OUT)/chat-cli $(OUT)/chat-client $(MAN_PAGES) $(DATA_FILES) \
		translations

install-files: install-build
	$(INSTALL) -Dm755 $(OUT)/chat-server $(DESTDIR)$(SBINDIR)/chat-server
	$(INSTALL) -Dm755 $(OUT)/chat-cli $(DESTDIR)$(BINDIR)/chat-cli
	$(INSTALL) -Dm755 $(OUT)/chat-client $(DESTDIR)$(BINDIR)/chat-client
	$(INSTALL) -Dm644 $(OUT)/man/chat-server.8 $(DESTDIR)$(MANDIR)/man8/chat-server.8
	$(INSTALL) -Dm644 $(OUT)/man/chat-cli.1 $(DESTDIR)$(MANDIR)/man1/chat-cli.1
	$(INSTALL) -Dm644 $(OUT)/man/chat-client.1 $(DESTDIR)$(MANDIR)/man1/chat-client.1
	$(INSTALL) -Dm644 $(OUT)/data/$(APP_ID).desktop \
		$(DESTDIR)$(DATADIR)/applications/$(APP_ID).desktop
	$(INSTALL) -Dm644 data/chat-client.svg \
		$(DESTDIR)$(DATADIR)/icons/hicolor/scalable/apps/$(APP_ID).svg
	$(INSTALL) -Dm644 $(OUT)/data/$(APP_ID).metainfo.xml \
		$(DESTDIR)$(DATADIR)/metainfo/$(APP_ID).metainfo.xml
	$(INSTALL) -Dm644 $(OUT)/data/chat-server.service $(DESTDIR)$(UNITDIR)/chat-server.service
	$(INSTALL) -Dm644 $(OUT)/data/chat-server.conf \
		$(DESTDIR)$(SYSCONFDIR)/chat-server/chat-server.conf
	$(INSTALL) -Dm644 data/chat-server.logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/chat-server
	for l in $(LINGUAS); do \
		$(INSTALL) -Dm644 $(OUT)/locale/$$l/LC_MESSAGES/$(GETTEXT_PACKAGE).mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/$(GETTEXT_PACKAGE).mo || exit 1; \
	done

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED_FILES))
	-rmdir $(DESTDIR)$(SYSCONFDIR)/chat-server 2>/dev/null

# Checks an installed tree (make install DESTDIR=ROOT, or ROOT=/ for the package) with
# the validators: desktop-file-validate, appstreamcli, groff, systemd-analyze.
ROOT ?= $(DESTDIR)
.PHONY: check-install
check-install:
	scripts/check-install "$(ROOT)" "$(PREFIX)" "$(UNITDIR)" "$(SYSCONFDIR)" "$(APP_ID)"

# A versioned source tarball of the committed tree (git archive), no build outputs.
.PHONY: dist
dist:
	@mkdir -p build-dist
	git archive --format=tar.gz --prefix=chat-$(VERSION)/ -o build-dist/chat-$(VERSION).tar.gz HEAD
	@echo build-dist/chat-$(VERSION).tar.gz
