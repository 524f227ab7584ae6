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

# Action plans
PLAN_UPDATE = "plan_update"  # button on an item (value: item id): opens the Update modal
PLAN_SNOOZE_1D = "plan_snooze_1d"  # button on an item (value: item id): pause my reminders for it
PLAN_SNOOZE_7D = "plan_snooze_7d"
PLAN_UPDATE_FORM = "plan_update_form"  # the Update modal (private_metadata: item id)
PLAN_ADD_FORM = "plan_add_form"  # the "add an action item" modal (leads and admins)
PLAN_DONE = "plan_done"  # the confirmation a plan modal turns into
PLAN_STATUS = "plan_status"  # input blocks of the two modals (block_id and action_id alike)
PLAN_PERCENT = "plan_percent"
PLAN_NOTE = "plan_note"
PLAN_OBJECTIVE = "plan_objective"
PLAN_TITLE = "plan_title"
PLAN_OWNERS = "plan_owners"
PLAN_WORKING_GROUP = "plan_working_group"
PLAN_START = "plan_start"
PLAN_DUE = "plan_due"

# Polls
POLL_CREATE = "poll_create"  # the creation modal (callback)
POLL_BALLOT_FORM = "poll_ballot_form"  # the ballot modal (callback)
POLL_BALLOT = "poll_ballot"  # "Vote…" button: opens the ballot (value: poll id)
POLL_QUICK_VOTE = "poll_quick_vote"  # one-click option buttons (value: "poll id:option position")
POLL_RESULTS = "poll_results"  # results so far / turnout (value: poll id)
POLL_VOTERS = "poll_voters"  # who voted what, open polls, creator only (value: poll id)
POLL_REMIND = "poll_remind"  # remind non-voters (value: poll id)
POLL_CLOSE = "poll_close"  # close early, with confirm (value: poll id)
POLL_CANCEL = "poll_cancel"  # cancel, with confirm (value: poll id)
POLL_F_QUESTION = "poll_question"
POLL_F_OPTIONS = "poll_options"
POLL_F_KIND = "poll_kind"
POLL_F_MAX = "poll_max_choices"
POLL_F_ELECTORATE = "poll_electorate"
POLL_F_CHANNEL = "poll_channel"
POLL_F_SECRET = "poll_secret"
POLL_F_CLOSES = "poll_closes_at"
POLL_F_QUORUM = "poll_quorum"
POLL_F_RESULTS = "poll_results_shown"
POLL_F_CHOICE = "poll_choice"  # ballot: the choice(s) of a single, multiple or yes/no poll
POLL_F_RANK = "poll_rank_"  # ballot: prefix of the n-th preference of a ranked poll

# Resources
RESOURCE_FORM = "resource_form"  # add/edit modal; private_metadata holds the resource id when editing
RESOURCE_TITLE = "resource_title"  # the form's input blocks (each element's action_id is the same)
RESOURCE_URL = "resource_url"
RESOURCE_DESCRIPTION = "resource_description"
RESOURCE_TAGS = "resource_tags"
RESOURCE_LANGUAGE = "resource_language"
RESOURCE_PROVINCE = "resource_province"
RESOURCE_KIND = "resource_kind"
RESOURCE_OWNER = "resource_owner"
RESOURCE_SHARE = "resource_share"  # value: resource id
RESOURCE_MORE = "resource_more"  # value: {"q": query text, "o": offset}
RESOURCE_EDIT = "resource_edit"  # value: resource id (also "Update" in the review DM)
RESOURCE_RETIRE = "resource_retire"  # value: resource id
RESOURCE_CURRENT = "resource_current"  # value: resource id ("Still current")
RESOURCE_MINE = "resource_mine"  # the Home's "review" button: list my resources

# Nominations and the Executive Committee
NOMINATE = "nominate"  # Nominate button on the round announcement and the Home (value: round id)
NOMINATION_FORM = "nomination_form"  # the nomination modal (private_metadata: round id)
NOMINATION_F_NOMINEE = "nomination_nominee"  # its inputs (block_id and action_id alike)
NOMINATION_F_STATEMENT = "nomination_statement"
NOMINATION_DONE = "nomination_done"  # the confirmation a nominations modal turns into
NOMINATION_ACCEPT = "nomination_accept"  # in the nominee's DM (value: nomination id)
NOMINATION_DECLINE = "nomination_decline"  # value: nomination id
NOMINATION_WITHDRAW = "nomination_withdraw"  # nominee or nominator, with confirm (value: nomination id)
NOMINATION_SHOW = "nomination_show"  # the Home's "accept or decline" (value: nomination id)
NOMINATION_INELIGIBLE = "nomination_ineligible"  # committee: opens the reason modal (value: nomination id)
NOMINATION_INELIGIBLE_FORM = "nomination_ineligible_form"  # private_metadata: nomination id
NOMINATION_F_REASON = "nomination_reason"
NOMINATIONS_REVIEW = "nominations_review"  # the committee's list (value: round id)
NOMINATIONS_CLOSE = "nominations_close"  # close nominations now, with confirm (value: round id)
NOMINATIONS_ACCLAIM = "nominations_acclaim"  # acclaim the nominees, with confirm (value: round id)
ROUND_FORM = "nomination_round_form"  # the "open a round" modal
ROUND_F_SEATS = "round_seats"
ROUND_F_RESERVED = "round_reserved"
ROUND_F_METHOD = "round_method"
ROUND_F_NOMINATIONS_CLOSE = "round_nominations_close"
ROUND_F_ELECTION_CLOSE = "round_election_close"
ROUND_F_TERM = "round_term_years"
ROUND_F_CHANNEL = "round_channel"
EXEC_TRANSFER = "exec_transfer"  # confirm a seat transfer (value: "<old user id>:<new user id>")

# App Home quick buttons (Share feedback uses FEEDBACK_OPEN)
HOME_NEW_POLL = "home_new_poll"
HOME_ADD_RESOURCE = "home_add_resource"
