"""Every action_id, callback_id and block_id the bot uses, in one place, so handlers and builders
cannot drift apart. Features add their own section below; values are stable wire identifiers."""

# Foundation
HELP_OVERFLOW = "help_overflow"
LANG_SET = "lang_set"

# Shortcuts (declared in manifest.yml)
SHORTCUT_SHARE_FEEDBACK = "share_feedback"
SHORTCUT_SAVE_RESOURCE = "save_resource"

# App Home
HOME_LANG = "home_lang"
HOME_SEARCH = "home_search"
HOME_SEARCH_BLOCK = "home_search_block"
