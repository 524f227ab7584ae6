"""Demo resource repository: toolkits, reports, trainings and contacts, in English and French,
across the topics LIPs/ZIPs ask about. Every title starts with [DEMO]; links point to example.org."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.demo import DEMO_MARK
from bot.deps import Deps
from bot.infra.i18n import Translator
from bot.services.resources import import_resources

BASE = "https://example.org/nls-demo/"

# title, slug (None: no link), description, tags, language, province, kind, owner
RESOURCES = [
    (
        "Housing toolkit for newcomer-serving organisations",
        "housing-toolkit",
        "Step-by-step guide to helping newcomers find and keep affordable rental housing: tenant rights, "
        "landlord outreach, and a checklist for a first apartment.",
        "housing; newcomers",
        "en",
        "",
        "toolkit",
        "UDEMO0003",
    ),
    (
        "Trousse sur le logement des personnes nouvellement arrivées",
        "trousse-logement",
        "Guide pratique pour aider les nouveaux arrivants à trouver un logement abordable : droits des "
        "locataires, démarches auprès des propriétaires, liste de vérification.",
        "logement; housing",
        "fr",
        "QC",
        "toolkit",
        "UDEMO0008",
    ),
    (
        "Anti-racism action planning guide for LIPs",
        "anti-racism-guide",
        "How a Local Immigration Partnership can plan, fund and evaluate anti-racism work with its council, "
        "from the Anti-Racist Recovery initiative.",
        "anti-racism; planning",
        "en",
        "",
        "guide",
        "UDEMO0001",
    ),
    (
        "Guide de planification de la lutte contre le racisme",
        "guide-antiracisme",
        "Planifier, financer et évaluer une démarche antiraciste avec les partenaires locaux; issu de "
        "l'initiative de relance antiraciste.",
        "anti-racism; antiracisme; planification",
        "fr",
        "",
        "guide",
        "UDEMO0002",
    ),
    (
        "Newcomer employment outcomes in Atlantic Canada, 2024",
        "atlantic-employment-2024",
        "Regional report on labour market integration: credential recognition, underemployment and employer "
        "practices in the four Atlantic provinces.",
        "employment; research",
        "en",
        "NS",
        "report",
        "UDEMO0005",
    ),
    (
        "Insertion professionnelle des immigrants au Québec",
        "insertion-emploi-qc",
        "Portrait de l'emploi des personnes immigrantes : reconnaissance des acquis, surqualification et "
        "pratiques des employeurs.",
        "emploi; employment; recherche",
        "fr",
        "QC",
        "report",
        "UDEMO0009",
    ),
    (
        "Mental health supports for refugee youth",
        "refugee-youth-mental-health",
        "Trauma-informed approaches and referral pathways for refugee children and youth, with a directory "
        "of culturally adapted services.",
        "health; mental-health; youth; refugees",
        "en",
        "",
        "guide",
        "UDEMO0010",
    ),
    (
        "Santé mentale des jeunes réfugiés : ressources et orientation",
        "sante-mentale-jeunes",
        "Approches tenant compte des traumatismes et pistes d'orientation vers des services adaptés.",
        "santé; santé-mentale; jeunes; réfugiés",
        "fr",
        "",
        "guide",
        "UDEMO0007",
    ),
    (
        "Language training pathways (LINC and CLIC)",
        "language-training-pathways",
        "Which federally funded language classes exist, who is eligible, and how to refer clients to LINC "
        "and CLIC assessments.",
        "language-training; education",
        "both",
        "",
        "guide",
        "UDEMO0004",
    ),
    (
        "Francisation des personnes immigrantes : où s'inscrire",
        "francisation",
        "Cours de français à temps plein et à temps partiel, admissibilité et allocations.",
        "francisation; language-training",
        "fr",
        "QC",
        "guide",
        "UDEMO0008",
    ),
    (
        "Welcoming Communities Toolkit for rural and small centres",
        "welcoming-rural",
        "Practical ideas for smaller communities: welcome events, mentoring, transportation and retaining "
        "newcomers after their first year.",
        "welcoming-communities; rural",
        "en",
        "",
        "toolkit",
        "UDEMO0015",
    ),
    (
        "Municipal engagement toolkit: working with city council",
        "municipal-engagement",
        "Briefing notes, presentation templates and an annual calendar for engaging municipal councils on immigration.",
        "municipal; advocacy",
        "en",
        "ON",
        "toolkit",
        "UDEMO0010",
    ),
    (
        "Community settlement strategy template",
        "settlement-strategy-template",
        "A fill-in template for a three-year LIP strategy: priorities, partners, indicators and an action plan table.",
        "planning; strategy",
        "en",
        "",
        "template",
        "UDEMO0001",
    ),
    (
        "Modèle de plan stratégique pour un partenariat local",
        "modele-plan-strategique",
        "Gabarit de stratégie triennale : priorités, partenaires, indicateurs et plan d'action.",
        "planification; strategy",
        "fr",
        "",
        "template",
        "UDEMO0002",
    ),
    (
        "Funding guide: IRCC Settlement Program call for proposals",
        "ircc-funding-guide",
        "What the call for proposals asks for, eligible costs, and tips from LIPs that applied last cycle.",
        "funding; ircc",
        "en",
        "",
        "funding",
        "UDEMO0001",
    ),
    (
        "Guide de financement : appel de propositions du Programme d'établissement",
        "guide-financement-ircc",
        "Exigences de l'appel de propositions, dépenses admissibles et conseils de PLI ayant déjà soumis.",
        "financement; funding; ircc",
        "fr",
        "",
        "funding",
        "UDEMO0002",
    ),
    (
        "Recording: National LIP Network Summit plenary",
        "summit-recording",
        "Video of the Summit plenary on the NLS governance structure and the strategic plan.",
        "governance; summit",
        "both",
        "",
        "recording",
        "UDEMO0002",
    ),
    (
        "Webinar recording: data for local immigration planning",
        "data-webinar",
        "How to use census and IRCC open data to describe your local newcomer population.",
        "data; research; planning",
        "en",
        "",
        "recording",
        "UDEMO0013",
    ),
    (
        "Accessing health care: a guide for newcomers to Alberta",
        "ab-health-care",
        "Provincial health insurance, finding a family doctor, walk-in clinics and interpretation services.",
        "health; newcomers",
        "en",
        "AB",
        "guide",
        "UDEMO0016",
    ),
    (
        "Newcomer francophones hors Québec : trousse d'accueil",
        "francophones-hors-quebec",
        "Ressources pour accueillir les immigrants d'expression française dans les communautés "
        "francophones en situation minoritaire.",
        "francophonie; welcoming-communities",
        "fr",
        "NB",
        "toolkit",
        "UDEMO0007",
    ),
    (
        "Credential recognition: a guide for internationally trained professionals",
        "credential-recognition",
        "Regulated professions, assessment bodies and bridging programs, province by province.",
        "employment; credentials",
        "en",
        "",
        "guide",
        "UDEMO0012",
    ),
    (
        "Employer toolkit: hiring and retaining newcomer talent",
        "employer-toolkit",
        "Inclusive job postings, recognising foreign experience, onboarding and mentoring.",
        "employment; employers",
        "en",
        "BC",
        "toolkit",
        "UDEMO0014",
    ),
    (
        "Trauma-informed practice training for front-line staff",
        "trauma-informed-training",
        "A three-module online training for settlement and LIP staff, with facilitator notes.",
        "training; mental-health",
        "en",
        "",
        "training",
        "UDEMO0010",
    ),
    (
        "Formation : accueil inclusif et compétences interculturelles",
        "formation-interculturelle",
        "Formation en ligne de deux heures pour le personnel des organismes partenaires.",
        "formation; training; inclusion",
        "fr",
        "",
        "training",
        "UDEMO0009",
    ),
    (
        "Newcomer youth engagement in sport and recreation",
        "youth-sport",
        "Partnering with recreation departments to remove fees and transportation barriers for youth.",
        "youth; recreation",
        "en",
        "MB",
        "report",
        "UDEMO0012",
    ),
    (
        "Family violence prevention resources in many languages",
        "family-violence",
        "Multilingual fact sheets and crisis lines for newcomer women and families.",
        "family-violence; women; health",
        "both",
        "",
        "guide",
        "UDEMO0006",
    ),
    (
        "Northern and remote communities: newcomer retention report",
        "north-retention",
        "Why newcomers stay or leave small northern communities, and what helped in Whitehorse and Yellowknife.",
        "rural; retention; research",
        "en",
        "YT",
        "report",
        "UDEMO0015",
    ),
    (
        "Indigenous–newcomer relations: building bridges",
        "indigenous-newcomer",
        "Learning circles and land-based activities that bring Indigenous and newcomer communities together.",
        "reconciliation; welcoming-communities",
        "en",
        "SK",
        "toolkit",
        "UDEMO0013",
    ),
    (
        "Contact: NLS Secretariat research working group",
        None,
        "Questions about research, data and evaluation: write to the research working group through the "
        "NLS Secretariat; the group meets monthly.",
        "research; working-group",
        "both",
        "",
        "contact",
        "UDEMO0001",
    ),
    (
        "Personne-ressource : comité francophone du Secrétariat",
        None,
        "Pour les questions touchant les communautés francophones et la francisation, communiquez avec le "
        "comité francophone par l'entremise du Secrétariat.",
        "francophonie; working-group",
        "fr",
        "",
        "contact",
        "UDEMO0002",
    ),
    (
        "Evaluating your LIP: indicators and survey templates",
        "lip-evaluation",
        "Outcome indicators, a partner survey and a newcomer survey you can adapt.",
        "evaluation; planning",
        "en",
        "",
        "template",
        "UDEMO0011",
    ),
    (
        "Rapport : participation civique des personnes immigrantes",
        "participation-civique",
        "Bénévolat, vote et engagement communautaire des immigrants dans cinq villes canadiennes.",
        "participation-civique; research",
        "fr",
        "",
        "report",
        "UDEMO0008",
    ),
    (
        "Transportation barriers for newcomers in mid-sized cities",
        "transportation",
        "Survey findings and pilot projects: bus passes, car-sharing and driver training.",
        "transportation; research",
        "en",
        "ON",
        "report",
        "UDEMO0011",
    ),
    (
        "Communication toolkit for LIP newsletters and social media",
        "communication-toolkit",
        "Plain-language writing, accessible design and a content calendar for partnership communications.",
        "communication; outreach",
        "en",
        "",
        "toolkit",
        "UDEMO0003",
    ),
    (
        "Food security and newcomer families",
        "food-security",
        "Community food programs, culturally appropriate food banks and school nutrition partnerships.",
        "food-security; health; families",
        "en",
        "NL",
        "guide",
        "UDEMO0005",
    ),
    (
        "Racisme et discrimination en milieu de travail : trousse pour employeurs",
        "racisme-travail",
        "Outils pour prévenir et traiter la discrimination à l'embauche et au travail.",
        "antiracisme; anti-racism; emploi",
        "fr",
        "QC",
        "toolkit",
        "UDEMO0009",
    ),
]


async def load(session: AsyncSession, today: date, deps: Deps) -> str:
    rows = []
    for line, (title, slug, description, tags, language, province, kind, owner) in enumerate(RESOURCES, start=2):
        # Spread review dates (some overdue, some due soon) so the monthly review DM has something
        # to show; anchored on the month so reloading the demo within a month changes nothing.
        review_by = today.replace(day=1) + timedelta(days=37 * (line % 11) - 60)
        rows.append(
            (line, {"title": f"{DEMO_MARK} {title}", "url": BASE + slug if slug else "", "description": description,
                    "tags": tags, "language": language, "province": province, "kind": kind, "owner": owner,
                    "review_by": review_by.isoformat()})
        )  # fmt: skip
    report = await import_resources(
        session, rows, now=datetime.combine(today, datetime.min.time(), tzinfo=UTC), explain=Translator("en")
    )
    return f"{report.rows} resources ({report.created} new)"
