"""Search latency at 100,000 resources, through the domain function, on SQLite and PostgreSQL, next
to a naive `LIKE '%word%'` scan over the same rows in the same run.

    python -m bench.search                      # 100k resources, both backends
    python -m bench.search --size 20000 --backends sqlite --repeat 3

The corpus is generated (seeded, so every run builds the same one): English and French titles and
descriptions written from the network's topics, kinds, audiences and places, with tags, languages,
provinces and kinds spread as a real repository would have them. Each query of a fixed mix (one
word, two words, accent-free French, prefixes, plurals, filters, typos, natural questions, no
match) is run `--repeat` times through `bot.services.resources.search` in its own read session,
as a request would; the scan runs each query once (it is the slow baseline). Results are printed
as Markdown for bench/README.md.

Beside the latencies, the CPU each search and each scan took, this process's and (PostgreSQL)
the database server's together, from the same run: on a busy machine a latency is mostly waiting
for a core, CPU time much less so, and the ratio of the two CPU figures is the one to compare
across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from bot.infra.db import Database
from bot.services import resources
from bot.services.members import PROVINCES
from models.resources import Resource, ResourceKind, ResourceLanguage, ResourceTag

# topic tag, English words, French words
TOPICS = [
    ("housing", "housing rental apartment affordable tenants landlords shelter homelessness",
     "logement locatif appartement abordable locataires propriétaires refuge itinérance"),
    ("employment", "employment jobs employers hiring careers workplace labour market",
     "emploi travail employeurs embauche carrière milieu marché"),
    ("health", "health clinics doctors primary care nurses wellness",
     "santé cliniques médecins soins primaires infirmières bien-être"),
    ("mental-health", "mental health trauma counselling wellbeing stress",
     "santé mentale traumatisme counseling détresse soutien psychologique"),
    ("language-training", "language training English classes LINC literacy conversation",
     "formation linguistique cours français francisation alphabétisation conversation"),
    ("anti-racism", "anti-racism racism discrimination equity inclusion bias",
     "antiracisme racisme discrimination équité inclusion préjugés"),
    ("youth", "youth students schools teens mentoring after-school",
     "jeunes élèves écoles adolescents mentorat parascolaire"),
    ("refugees", "refugees resettlement asylum sponsorship private sponsors",
     "réfugiés réinstallation asile parrainage parrains privés"),
    ("credentials", "credential recognition licensing regulated professions bridging",
     "reconnaissance des diplômes accréditation professions réglementées transition"),
    ("settlement", "settlement orientation arrival newcomers first weeks services",
     "établissement accueil arrivée nouveaux arrivants premières semaines services"),
    ("women", "women gender family violence safety caregivers",
     "femmes genre violence familiale sécurité proches aidantes"),
    ("seniors", "seniors older adults isolation caregiving", "aînés personnes âgées isolement soins"),
    ("rural", "rural small communities retention regional towns",
     "rural petites communautés rétention régions villages"),
    ("francophonie", "francophone minority communities French-speaking immigration",
     "francophonie communautés minoritaires immigration francophone"),
    ("municipal", "municipal council city planning local government", "municipal conseil ville planification"),
    ("funding", "funding grants proposals budget call for proposals", "financement subventions propositions budget"),
    ("research", "research data survey census evaluation indicators",
     "recherche données sondage recensement évaluation indicateurs"),
    ("transportation", "transportation transit bus driving licence", "transport transport en commun autobus permis"),
    ("food-security", "food security food banks nutrition", "sécurité alimentaire banques alimentaires nutrition"),
    ("civic-participation", "civic participation volunteering voting citizenship",
     "participation civique bénévolat vote citoyenneté"),
    ("education", "education adult learning schools parents", "éducation formation des adultes écoles parents"),
    ("childcare", "childcare daycare early childhood", "garde d'enfants garderie petite enfance"),
    ("legal", "legal aid immigration law rights", "aide juridique droit de l'immigration droits"),
    ("indigenous-relations", "Indigenous relations reconciliation treaty", "relations autochtones réconciliation traités"),
    ("business", "entrepreneurs small business startups", "entrepreneurs petites entreprises démarrage"),
    ("communication", "communication newsletter social media outreach", "communication bulletin médias sociaux"),
    ("welcoming-communities", "welcoming communities belonging neighbours",
     "communautés accueillantes appartenance voisins"),
    ("digital-inclusion", "digital inclusion internet devices online services",
     "inclusion numérique internet appareils services en ligne"),
    ("climate", "climate emergency preparedness heat floods", "climat urgence préparation chaleur inondations"),
    ("sport", "sport recreation arts culture", "sport loisirs arts culture"),
]  # fmt: skip
KIND_WORDS = {
    ResourceKind.TOOLKIT: ("toolkit", "trousse d'outils"),
    ResourceKind.GUIDE: ("guide", "guide"),
    ResourceKind.REPORT: ("report", "rapport"),
    ResourceKind.CONTACT: ("contact", "personne-ressource"),
    ResourceKind.TRAINING: ("training", "formation"),
    ResourceKind.FUNDING: ("funding guide", "guide de financement"),
    ResourceKind.RECORDING: ("webinar recording", "enregistrement du webinaire"),
    ResourceKind.TEMPLATE: ("template", "modèle"),
    ResourceKind.OTHER: ("resource", "ressource"),
}
AUDIENCES = (
    ("for newcomers", "pour les personnes nouvellement arrivées"), ("for LIP staff", "pour le personnel des PLI"),
    ("for employers", "pour les employeurs"), ("for service providers", "pour les fournisseurs de services"),
    ("for municipalities", "pour les municipalités"), ("for volunteers", "pour les bénévoles"),
    ("for youth workers", "pour les intervenants jeunesse"), ("for families", "pour les familles"),
    ("for community partners", "pour les partenaires communautaires"), ("", ""),
)  # fmt: skip
PLACES = (
    "Toronto", "Ottawa", "Hamilton", "London", "Windsor", "Sudbury", "Halifax", "Moncton", "Fredericton",
    "Saint John", "Charlottetown", "St. John's", "Montréal", "Québec", "Sherbrooke", "Gatineau", "Trois-Rivières",
    "Winnipeg", "Brandon", "Regina", "Saskatoon", "Calgary", "Edmonton", "Lethbridge", "Red Deer", "Vancouver",
    "Surrey", "Victoria", "Kelowna", "Kamloops", "Whitehorse", "Yellowknife", "Iqaluit", "Peel", "York Region",
    "Durham", "Waterloo", "Niagara", "Guelph", "Kingston", "Thunder Bay", "Jasper", "Brooks", "Steinbach",
)  # fmt: skip
# Less common words a real repository is full of (programs, groups, places, formats): each is in
# well under 1% of resources, which is what most specific searches hit.
DETAILS_EN = """
    Syrian Ukrainian Afghan Eritrean Somali Filipino Punjabi Tamil Rohingya Venezuelan Haitian Congolese
    CUAET PGWP caregiver pilot Express Entry Atlantic Immigration Program Rural Community Immigration
    temporary foreign workers international students asylum claimants protected persons
    interpreters translation plain-language infographic podcast dashboard webinar slides factsheet
    checklist workbook curriculum facilitator module toolkit evaluation logic model theory of change
    outcomes indicators baseline needs assessment environmental scan asset mapping focus groups
    roundtable town hall summit symposium forum workshop retreat orientation session onboarding
    mentorship peer support navigation case management referral pathways wraparound trauma-informed
    culturally responsive intersectional gender-based analysis accessibility disability LGBTQ2S
    neurodiversity elders grandparents adolescents toddlers newborn prenatal maternal dental vision
    pharmacare vaccination immunization pandemic COVID-19 recovery resilience wellbeing loneliness
    isolation belonging welcoming ambassadors champions allies networks coalitions councils
    secretariat steering committee working group terms of reference bylaws governance board
    strategic plan action plan annual report work plan budget template MOU partnership agreement
    procurement proposal application intake eligibility reporting audit compliance privacy consent
    data sharing dashboard census microdata longitudinal survey panel qualitative interviews
    apprenticeship trades welding trucking nursing engineering teaching accounting pharmacy
    childcare early learning literacy numeracy GED upgrading bridging internships co-op placements
    microloans credit banking taxes benefits CCB GST OAS GIS EI CPP pensions insurance
    tenancy eviction rent subsidy co-op housing rooming house overcrowding mould repairs
    transit passes carpool cycling winter driving snow tires safety fire prevention
    hate crimes Islamophobia antisemitism anti-Black racism Indigenous allyship treaty education
    library museum festival soccer cricket swimming skating hockey gardening cooking clubs
"""
DETAILS_FR = """
    syriens ukrainiens afghans érythréens somaliens philippins haïtiens congolais burundais ivoiriens
    travailleurs étrangers temporaires étudiants étrangers demandeurs d'asile personnes protégées
    interprètes traduction langage clair infographie balado tableau de bord webinaire diaporama
    fiche liste de contrôle cahier programme animateur module évaluation modèle logique
    résultats indicateurs données de base évaluation des besoins analyse environnementale
    cartographie des actifs groupes de discussion table ronde assemblée sommet colloque forum atelier
    accompagnement mentorat soutien par les pairs navigation gestion de cas aiguillage
    approche sensible aux traumatismes interculturel analyse comparative entre les sexes accessibilité
    handicap aînés grands-parents adolescents tout-petits nouveau-nés prénatal maternel dentaire
    vaccination pandémie relance résilience solitude isolement appartenance ambassadeurs réseaux
    coalitions conseils secrétariat comité directeur groupe de travail mandat gouvernance
    plan stratégique plan d'action rapport annuel plan de travail budget entente de partenariat
    proposition demande admissibilité reddition de comptes vérification confidentialité consentement
    partage de données recensement enquête longitudinale entrevues qualitatives
    apprentissage métiers soudure camionnage soins infirmiers génie enseignement comptabilité
    pharmacie petite enfance littératie numératie mise à niveau stages alternance travail-études
    microcrédit crédit services bancaires impôts prestations assurance-emploi pensions
    bail expulsion subvention au loyer coopérative d'habitation surpeuplement moisissures réparations
    laissez-passer covoiturage vélo conduite hivernale pneus d'hiver prévention des incendies
    crimes haineux islamophobie antisémitisme racisme anti-Noirs autochtones éducation aux traités
    bibliothèque musée festival soccer natation patinage hockey jardinage cuisine clubs
"""

EN_SENTENCES = (
    "This {kind} helps {audience_plain} work on {topic} in {place}.",
    "Practical steps, checklists and examples on {topic} from partners in {place}.",
    "Developed with the local immigration partnership council and tested with {audience_plain}.",
    "Covers {topic}, with links to provincial programs and community services.",
    "Findings from {year} consultations with newcomers and service providers.",
    "Includes a plain-language summary and templates you can adapt.",
    "Shared by the {place} partnership after its {year} community forum.",
)
FR_SENTENCES = (
    "Ce document aide {audience_plain} à agir sur {topic} à {place}.",
    "Étapes pratiques, listes de vérification et exemples sur {topic} de partenaires de {place}.",
    "Élaboré avec le conseil du partenariat local en immigration et mis à l'essai auprès des partenaires.",
    "Porte sur {topic}, avec des liens vers les programmes provinciaux et les services communautaires.",
    "Résultats des consultations de {year} auprès des personnes immigrantes et des organismes.",
    "Comprend un résumé en langage clair et des modèles à adapter.",
    "Partagé par le partenariat de {place} après son forum communautaire de {year}.",
)
DETAILS_EN_WORDS = DETAILS_EN.split()
DETAILS_FR_WORDS = DETAILS_FR.split()
QUERIES = {
    "one word": ["housing", "logement", "employment", "refugees", "credentials", "francophonie", "seniors", "climat",
                 "Ukrainian", "apprenticeship", "Islamophobia", "covoiturage"],
    "two or three words": ["housing toolkit", "mental health youth", "anti-racism guide", "formation linguistique",
                           "credential recognition report", "food security Winnipeg", "Syrian refugees housing",
                           "caregiver pilot", "eviction tenancy", "entente de partenariat"],
    "accent-free French": ["etablissement", "sante mentale", "securite alimentaire", "refugies parrainage"],
    "prefix / plural": ["hous", "emplo", "toolkits", "rapports", "refug"],
    "filters": ["housing prov:ON", "tag:housing lang:fr", "employment kind:report", "tag:youth prov:QC",
                "kind:recording lang:en"],
    "typo (did you mean)": ["housng", "employmnt", "refugess", "logemnt"],
    "question": ["where is the housing toolkit for rural communities?", "où trouver un guide sur l'emploi à Montréal ?"],
    "no match": ["zxqwv", "blockchain quantum"],
}  # fmt: skip


@dataclass(frozen=True)
class Generated:
    resources: list[dict]
    tags: list[dict]


def generate(size: int, seed: int = 2026) -> Generated:
    """`size` resources: two thirds English, a quarter French, the rest bilingual; topics drawn
    with a long tail (a few are much more common), 1–4 tags each."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(TOPICS))]
    provinces = [None, *PROVINCES]
    start = datetime(2022, 4, 1, tzinfo=UTC)
    rows, tags = [], []
    for n in range(1, size + 1):
        language = rng.choices(list(ResourceLanguage), weights=(66, 25, 9))[0]
        french = language is ResourceLanguage.FR or (language is ResourceLanguage.BOTH and rng.random() < 0.5)
        kind = rng.choice(list(ResourceKind))
        topics = rng.choices(TOPICS, weights=weights, k=rng.randint(1, 3))
        place = rng.choice(PLACES)
        audience = rng.choice(AUDIENCES)[1 if french else 0]
        words = [t[2 if french else 1].split() for t in topics]
        topic_phrase = " ".join(rng.sample(words[0], k=min(2, len(words[0]))))
        kind_word = KIND_WORDS[kind][1 if french else 0]
        title = f"{topic_phrase.capitalize()} {kind_word} {audience}".strip()
        if rng.random() < 0.4:
            title += f" — {place}"
        if rng.random() < 0.3:
            title += f" ({rng.randint(2015, 2026)})"
        details = DETAILS_FR_WORDS if french else DETAILS_EN_WORDS
        detail = " ".join(rng.sample(details, k=rng.randint(1, 3)))
        if rng.random() < 0.35:
            title += f": {detail}"
        sentences = FR_SENTENCES if french else EN_SENTENCES
        description = detail.capitalize() + ". " + " ".join(
            rng.choice(sentences).format(
                kind=kind_word, audience_plain=audience.removeprefix("for ").removeprefix("pour ") or "partners",
                topic=" ".join(rng.sample(rng.choice(words), k=min(3, len(words[0])))), place=place,
                year=rng.randint(2018, 2026),
            )
            for _ in range(rng.randint(1, 4))
        )  # fmt: skip
        created = start + timedelta(minutes=int(n * 1.5))
        topic_tags = list(dict.fromkeys(t[0] for t in topics))
        rows.append(
            {
                "id": n,
                "title": title[:200],
                "url": f"https://example.org/r/{n}",
                "url_key": f"example.org/r/{n}",
                "description": description[:2000],
                "tags": ", ".join(topic_tags),
                "language": language,
                "province": rng.choice(provinces),
                "kind": kind,
                "owner_id": f"UOWNER{n % 400:04d}",
                "added_by": None,
                "created_at": created,
                "updated_at": created,
                "review_by": created.date() + timedelta(days=365),
                "retired": rng.random() < 0.03,
            }
        )
        tags.extend({"resource_id": n, "tag": tag} for tag in topic_tags)
    return Generated(rows, tags)


def chunks(items: list[dict], size: int = 5000) -> Iterator[list[dict]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def load(db: Database, corpus: Generated) -> tuple[float, int]:
    """Insert the corpus (the index triggers run as for any write) and build the vocabulary."""
    began = time.perf_counter()
    for batch in chunks(corpus.resources):
        async with db.transaction() as session:
            await session.execute(insert(Resource), batch)
    for batch in chunks(corpus.tags, 20000):
        async with db.transaction() as session:
            await session.execute(insert(ResourceTag), batch)
    async with db.transaction() as session:
        terms = await resources.rebuild_vocabulary(session)
    if db.is_sqlite:
        async with db.engine.connect() as conn:
            await conn.exec_driver_sql("INSERT INTO resources_fts(resources_fts) VALUES ('optimize')")
            await conn.exec_driver_sql("ANALYZE")
            await conn.commit()
    else:
        async with db.engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            await conn.commit()
    return time.perf_counter() - began, terms


def like_scan(query: resources.Query, dialect: str) -> tuple[str, dict[str, str]]:
    """The naive baseline doing the same job: every word somewhere in title, tags or description
    (LIKE, case-insensitive as each engine does it: SQLite's LIKE for ASCII, PostgreSQL's ILIKE),
    the same filters, title matches first, newest next."""
    like = "LIKE" if dialect == "sqlite" else "ILIKE"
    params: dict[str, str] = {}
    clauses = ["NOT retired"]
    for i, word in enumerate(query.terms):
        params[f"w{i}"] = f"%{word}%"
        clauses.append(f"(title {like} :w{i} OR tags {like} :w{i} OR description {like} :w{i})")
    for i, tag in enumerate(query.filters.tags):
        params[f"t{i}"] = f"%{tag}%"
        clauses.append(f"tags {like} :t{i}")
    if query.filters.language:
        params["lang"] = query.filters.language.value
        clauses.append("language IN (:lang, 'both')")
    if query.filters.province:
        params["prov"] = query.filters.province
        clauses.append("province = :prov")
    if query.filters.kind:
        params["kind"] = query.filters.kind.value
        clauses.append("kind = :kind")
    first = f"CASE WHEN title {like} :w0 THEN 0 ELSE 1 END, " if query.terms else ""
    sql = f"SELECT id FROM resources WHERE {' AND '.join(clauses)} ORDER BY {first}created_at DESC LIMIT 6"
    return sql, params


class CpuClock:
    """Milliseconds of CPU this process (every thread: aiosqlite runs SQLite in one) and the
    PostgreSQL server processes serving `pids` have used. The server's is read from
    /proc/<pid>/stat, in clock ticks (10 ms), so it is only meaningful summed over many searches."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.tick = 1000 / os.sysconf("SC_CLK_TCK")

    @classmethod
    async def of(cls, db: Database) -> CpuClock:
        if db.is_sqlite:
            return cls([])
        async with db.reader() as session:  # the pool's connections to the bench database, all of them
            rows = await session.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))
            return cls([pid for (pid,) in rows])

    def now(self) -> float:
        server = 0
        for pid in self.pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # a server elsewhere, or a connection that went away
                continue
            server += int(fields[11]) + int(fields[12])  # utime, stime
        return time.process_time() * 1000 + server * self.tick


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(db: Database, repeat: int) -> dict[str, dict[str, list[float]]]:
    """Milliseconds by category: each search `repeat` times, each scan once; per query, how many
    times longer its scan took than its median search (`ratio`); and the CPU per search and per
    scan of the category (`cpu`: one pair)."""
    timings: dict[str, dict[str, list[float]]] = {"search": {}, "like": {}, "ratio": {}, "cpu": {}}
    dialect = "sqlite" if db.is_sqlite else "postgresql"
    for query in (q for queries in QUERIES.values() for q in queries):  # warm the caches once
        async with db.reader(snapshot=False) as session:
            await resources.search(session, query)
    cpu = await CpuClock.of(db)
    for category, queries in QUERIES.items():
        per_query: dict[str, list[float]] = {query: [] for query in queries}
        searching = cpu.now()
        for _ in range(repeat):
            for query in queries:
                began = time.perf_counter()
                async with db.reader(snapshot=False) as session:  # as /nls find does
                    await resources.search(session, query)
                per_query[query].append((time.perf_counter() - began) * 1000)
        searching = (cpu.now() - searching) / (repeat * len(queries))
        like_times, ratios = [], []
        scanning = cpu.now()
        for query in queries:
            sql, params = like_scan(resources.parse_query(query), dialect)
            began = time.perf_counter()
            async with db.reader() as session:
                await session.execute(text(sql), params)
            like_times.append((time.perf_counter() - began) * 1000)
            ratios.append(like_times[-1] / statistics.median(per_query[query]))
        timings["cpu"][category] = [searching, (cpu.now() - scanning) / len(queries)]
        timings["search"][category] = [t for times in per_query.values() for t in times]
        timings["like"][category] = like_times
        timings["ratio"][category] = ratios
    return timings


def report(name: str, timings: dict[str, dict[str, list[float]]], build: float, terms: int, size: int) -> str:
    out = [f"\n### {name}: {size:,} resources (built in {build:.1f} s, {terms:,} vocabulary terms)\n",
           "| queries | search p50 / p95 / max (ms) | LIKE scan p50 / p95 (ms) | scan ÷ search, per query (min–max) "
           "| CPU per search / per scan (ms) |",
           "|---|---|---|---|---|"]  # fmt: skip
    everything, scans, ratios, cpu_search, cpu_scan = [], [], [], 0.0, 0.0
    for category, values in timings["search"].items():
        like, ratio = timings["like"][category], timings["ratio"][category]
        searching, scanning = timings["cpu"][category]
        everything += values
        scans += like
        ratios += ratio
        cpu_search += searching * len(like)  # per query, so categories weigh as their queries
        cpu_scan += scanning * len(like)
        out.append(
            f"| {category} | {percentile(values, 0.5):.2f} / {percentile(values, 0.95):.2f} / {max(values):.2f} "
            f"| {percentile(like, 0.5):.0f} / {percentile(like, 0.95):.0f} | {min(ratio):.0f}–{max(ratio):.0f}× "
            f"| {searching:.2f} / {scanning:.1f} |"
        )
    p50, p95 = percentile(everything, 0.5), percentile(everything, 0.95)
    s50, s95 = percentile(scans, 0.5), percentile(scans, 0.95)
    cpu_search, cpu_scan = cpu_search / len(scans), cpu_scan / len(scans)
    out.append(
        f"| **all** | **{p50:.2f} / {p95:.2f}** / {max(everything):.2f} | **{s50:.0f} / {s95:.0f}** "
        f"| median {statistics.median(ratios):.0f}× | **{cpu_search:.2f} / {cpu_scan:.1f}** |"
    )
    out.append(
        f"\nSpeed-up over the scan: {s50 / p50:.0f}× at p50, {s95 / p95:.0f}× at p95; per query, the scan takes "
        f"{statistics.median(ratios):.0f}× as long as the search at the median, {percentile(ratios, 0.05):.0f}× "
        f"for the 5 % least favourable queries; in CPU, a scan costs {cpu_scan / cpu_search:.0f}× a search."
    )
    return "\n".join(out)


async def run_backend(name: str, url: str, corpus: Generated, repeat: int) -> str:
    db = Database(url)
    try:
        await db.upgrade()
        build, terms = await load(db, corpus)
        timings = await measure(db, repeat)
    finally:
        await db.dispose()
    return report(name, timings, build, terms, len(corpus.resources))


def postgres_database(server: str) -> tuple[str, callable]:
    admin = create_engine(
        make_url(server).set(drivername="postgresql+psycopg").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    name = f"nlsbot_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


async def main(args: argparse.Namespace) -> None:
    began = time.perf_counter()
    corpus = generate(args.size)
    print(f"generated {len(corpus.resources):,} resources in {time.perf_counter() - began:.1f} s", flush=True)
    print(f"run {date.today().isoformat()}, repeat {args.repeat}, {sum(map(len, QUERIES.values()))} queries")
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                print(await run_backend("SQLite FTS5", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", corpus, args.repeat))
        elif backend == "postgresql":
            url, drop = postgres_database(args.postgres)
            try:
                print(await run_backend("PostgreSQL GIN", url, corpus, args.repeat))
            finally:
                drop()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10, help="runs of each query through the domain function")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres", default=os.environ.get("NLS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
