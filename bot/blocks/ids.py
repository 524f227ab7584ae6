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

# Voices: feedback and consultations
FEEDBACK_OPEN = "feedback_open"  # App Home button: opens the feedback modal (as /nls feedback and the shortcut)
FEEDBACK_FORM = "feedback_form"
FEEDBACK_VOICE = "feedback_voice"
FEEDBACK_TOPIC = "feedback_topic"
FEEDBACK_PROVINCE = "feedback_province"
FEEDBACK_TEXT = "feedback_text"
FEEDBACK_URGENCY = "feedback_urgency"
FEEDBACK_CONTACT = "feedback_contact"
FEEDBACK_ANONYMOUS = "feedback_anonymous"
VOICES_DONE = "voices_done"  # the confirmation a modal turns into (receipt, consultation started, answers saved)
CONSULT_START_FORM = "consult_start_form"
CONSULT_TITLE = "consult_title"
CONSULT_QUESTIONS = "consult_questions"
CONSULT_DEADLINE = "consult_deadline"
CONSULT_AUDIENCE = "consult_audience"
CONSULT_CHANNEL = "consult_channel"
CONSULT_RESPOND = "consult_respond"  # button in the invitation DM, the reminders, the Home and /nls consult
CONSULT_RESPONSE_FORM = "consult_response_form"
CONSULT_ANSWER_PREFIX = "consult_answer_"  # + question id: the input block of one answer
