# Translations of both clients: one gettext domain, $(GETTEXT_PACKAGE).
#   make pot          po/$(GETTEXT_PACKAGE).pot from the client sources and .ui files
#   make po-update    merges the template into every po/LL.po
#   make po-check     fails if a language lacks (or has a fuzzy) translation of a string
#                     of the current sources; CI runs it
# Compiled catalogs go to $(OUT)/locale/LL/LC_MESSAGES/, where a build tree's clients
# look for them (an installed build looks in $(LOCALEDIR)).
LINGUAS := $(shell cat po/LINGUAS)
POT := po/$(GETTEXT_PACKAGE).pot
MO_FILES := $(foreach l,$(LINGUAS),$(OUT)/locale/$(l)/LC_MESSAGES/$(GETTEXT_PACKAGE).mo)
I18N_SOURCES = $(sort $(wildcard client/*/*.c common/*.c)) \
	$(sort $(wildcard client/gtk/resources/*.ui)) \
	data/chat-client.desktop.in data/chat-client.metainfo.xml.in
XGETTEXT_FLAGS := --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
	--keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
	--add-comments=TRANSLATORS: --package-name=chat --package-version=$(VERSION) \
	--msgid-bugs-address=maintainers@users.noreply.b-seed-46f45d9c.example --sort-by-file

.PHONY: translations pot po-update po-check
translations: $(MO_FILES)

$(OUT)/locale/%/LC_MESSAGES/$(GETTEXT_PACKAGE).mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

pot:
	xgettext $(XGETTEXT_FLAGS) -o $(POT) $(I18N_SOURCES)

po-update: pot
	for l in $(LINGUAS); do msgmerge --quiet --update --backup=none po/$$l.po $(POT) || exit 1; done

po-check:
	@mkdir -p $(OUT)
	@xgettext $(XGETTEXT_FLAGS) -o $(OUT)/po-check.pot $(I18N_SOURCES) 2>/dev/null
	@for l in $(LINGUAS); do \
		msgcmp po/$$l.po $(OUT)/po-check.pot || { \
			echo "po/$$l.po lacks the translations above: make po-update (it revives"; \
			echo "translations kept as obsolete entries), translate what remains, commit po/"; \
			exit 1; }; \
		echo "po/$$l.po: $$(msgfmt --statistics -o /dev/null po/$$l.po 2>&1)"; \
	done
