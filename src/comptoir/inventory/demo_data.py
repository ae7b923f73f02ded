"""The demo organization: a fictional statistics and trade agency, in both official languages.

Plain data read by the ``comptoir demo`` command. Volumes are deterministic (only the staff
passwords are random) so that the demo is the same on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OWNER_ORG = "csta-acsc"
TITLE_EN = "Canadian Statistics and Trade Agency"
TITLE_FR = "Agence canadienne de la statistique et du commerce"
FISCAL_YEARS = ("2024-2025", "2025-2026")
#: The earlier year is approved (frozen) by the demo custodian, so public pages have content.
APPROVED_YEAR = "2024-2025"
URI_EN = "https://example.gc.ca/csta/en/service-standards"
URI_FR = "https://example.gc.ca/acsc/fr/normes-de-service"


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name_en: str
    name_fr: str
    kind: str
    time_zone: str
    business_hours: str
    holiday_jurisdiction: str
    # A federal agency: its offices in Canada observe the federal workplace's days off too
    # (Remembrance Day, Thanksgiving...); the office abroad observes its host country's.
    holiday_categories: str = "public,government"
    closures: tuple[tuple[str, str, str, str], ...] = ()  # (start ISO, end ISO, reason en, fr)
    extra_days_off: tuple[tuple[str, str, str], ...] = ()  # (date ISO, name en, name fr)


UNITS = (
    DemoUnit(
        "ottawa-contact-centre",
        "National contact centre (Ottawa)",
        "Centre national de contact (Ottawa)",
        "contact_centre",
        "America/Toronto",
        "mon-fri 08:00-20:00",
        "CA-ON",
        closures=(
            (
                "2025-01-22T12:00:00-05:00",
                "2025-01-22T20:00:00-05:00",
                "Telephone system outage",
                "Panne du système téléphonique",
            ),
        ),
    ),
    DemoUnit(
        "montreal",
        "Montréal regional office",
        "Bureau régional de Montréal",
        "regional_office",
        "America/Toronto",
        "08:30-12:00,13:00-16:30",
        "CA-QC",
        extra_days_off=(("2025-12-24", "Christmas Eve", "Veille de Noël"),),
    ),
    DemoUnit(
        "vancouver",
        "Vancouver regional office",
        "Bureau régional de Vancouver",
        "regional_office",
        "America/Vancouver",
        "08:30-16:30",
        "CA-BC",
    ),
    DemoUnit(
        "st-johns",
        "St. John's regional office",
        "Bureau régional de St. John's",
        "regional_office",
        "America/St_Johns",
        "08:30-16:30",
        "CA-NL",
        closures=(
            (
                "2025-02-18T08:30:00-03:30",
                "2025-02-19T16:30:00-03:30",
                "Winter storm: office closed",
                "Tempête hivernale : bureau fermé",
            ),
        ),
    ),
    DemoUnit(
        "london",
        "Trade office in London (United Kingdom)",
        "Bureau commercial à Londres (Royaume-Uni)",
        "office_abroad",
        "Europe/London",
        "09:00-17:00",
        "GB-ENG",
        holiday_categories="public",
        closures=(
            (
                "2025-06-02T09:00:00+01:00",
                "2025-06-06T17:00:00+01:00",
                "Office relocation to Canada House",
                "Déménagement du bureau à la Maison du Canada",
            ),
        ),
        extra_days_off=(("2025-07-01", "Canada Day", "Fête du Canada"),),
    ),
)

PROGRAMS = {
    "CST01": ("Economic Statistics", "Statistique économique"),
    "CST02": ("Social and Demographic Statistics", "Statistique sociale et démographique"),
    "CST03": ("Trade Development", "Développement du commerce"),
    "CST04": ("Trade Data and Market Intelligence", "Données commerciales et veille des marchés"),
    "CST05": ("Internal Services", "Services internes"),
}


@dataclass(frozen=True)
class DemoStandard:
    en: str
    fr: str
    type: str
    channel: str
    target: str
    #: Share of the volume that met the standard in each demo year.
    met: tuple[float, float]


@dataclass(frozen=True)
class DemoService:
    number: int
    unit: str
    program: str
    type: str
    scope: str
    groups: str
    name_en: str
    name_fr: str
    description_en: str
    description_fr: str
    #: Application channels used (ONL, TEL, PERSON, POST, EML, FAX) and the yearly volume.
    channels: tuple[str, ...]
    volume: int
    #: The six online interaction points: Y, N or NA each (registration, authentication,
    #: application, decision, issuance, issue resolution and feedback).
    online: str = "Y Y Y N Y Y"
    fee: str = "N"
    recipient: str = "CLIENT"
    phone_enquiries: int | None = None
    standards: tuple[DemoStandard, ...] = field(default=())
    designations: tuple[str, ...] = ()

    @property
    def service_id(self) -> str:
        return f"CSTA-{self.number:03d}"


def _s(
    en: str, fr: str, kind: str, channel: str, target: str, met: tuple[float, float]
) -> DemoStandard:
    return DemoStandard(en, fr, kind, channel, target, met)


_ANSWER_CALLS = _s(
    "Answer calls within 2 minutes",
    "Répondre aux appels dans un délai de 2 minutes",
    "ACS",
    "TEL",
    "0.8",
    (0.83, 0.78),
)
_ANSWER_EMAIL = _s(
    "Reply to emails within 2 business days",
    "Répondre aux courriels dans un délai de 2 jours ouvrables",
    "TML",
    "EML",
    "0.9",
    (0.94, 0.91),
)
_ON_SCHEDULE = _s(
    "Release on the date announced in the official release schedule",
    "Diffuser à la date annoncée dans le calendrier officiel de diffusion",
    "TML",
    "ONL",
    "1",
    (1.0, 1.0),
)

SERVICES = (
    DemoService(
        1,
        "ottawa-contact-centre",
        "CST01",
        "INFO",
        "EXTERN",
        "ECONOM,NGO,PERSON",
        "Custom data tabulations",
        "Totalisations personnalisées de données",
        "Tables produced on request from survey and administrative data, on a cost-recovery "
        "basis, for clients whose needs the published tables do not meet.",
        "Tableaux produits sur demande à partir de données d'enquêtes et de données "
        "administratives, selon le principe du recouvrement des coûts, pour les clients dont "
        "les tableaux publiés ne répondent pas aux besoins.",
        ("ONL", "EML"),
        4200,
        fee="Y",
        phone_enquiries=1800,
        standards=(
            _s(
                "Provide a cost estimate within 5 business days",
                "Fournir une estimation des coûts dans un délai de 5 jours ouvrables",
                "TML",
                "EML",
                "0.9",
                (0.93, 0.88),
            ),
        ),
    ),
    DemoService(
        2,
        "ottawa-contact-centre",
        "CST01",
        "INFO",
        "EXTERN",
        "ECONOM,NGO,PERSON",
        "Statistical information enquiries",
        "Demandes de renseignements statistiques",
        "Answers to questions about published statistics, concepts and methods, by telephone, "
        "email and chat.",
        "Réponses aux questions sur les statistiques publiées, les concepts et les méthodes, "
        "par téléphone, par courriel et par clavardage.",
        ("ONL", "TEL", "EML"),
        61000,
        online="NA NA Y Y Y Y",
        phone_enquiries=38000,
        standards=(_ANSWER_CALLS, _ANSWER_EMAIL),
        designations=("priority",),
    ),
    DemoService(
        3,
        "montreal",
        "CST02",
        "APIR",
        "EXTERN",
        "NGO,PERSON",
        "Access to microdata in research data centres",
        "Accès aux microdonnées dans les centres de données de recherche",
        "Approval of research projects that need confidential microdata, consulted in a "
        "secure research data centre.",
        "Approbation des projets de recherche nécessitant des microdonnées confidentielles, "
        "consultées dans un centre de données de recherche sécurisé.",
        ("ONL",),
        950,
        standards=(
            _s(
                "Decide on a complete application within 20 business days",
                "Rendre une décision sur une demande complète dans un délai de 20 jours ouvrables",
                "TML",
                "ONL",
                "0.85",
                (0.81, 0.87),
            ),
        ),
    ),
    DemoService(
        4,
        "ottawa-contact-centre",
        "CST01",
        "INFO",
        "EXTERN",
        "ECONOM",
        "Help for businesses completing surveys",
        "Aide aux entreprises qui répondent aux enquêtes",
        "Help for businesses that must complete a mandatory survey: deadlines, questions, "
        "electronic questionnaire access.",
        "Aide aux entreprises tenues de répondre à une enquête obligatoire : échéances, "
        "questions, accès au questionnaire électronique.",
        ("ONL", "TEL"),
        22000,
        phone_enquiries=15000,
        standards=(_ANSWER_CALLS,),
        designations=("mission_critical",),
    ),
    DemoService(
        5,
        "ottawa-contact-centre",
        "CST01",
        "INFO",
        "EXTERN",
        "ECONOM,PERSON,PTC",
        "Consumer Price Index release",
        "Diffusion de l'Indice des prix à la consommation",
        "Monthly publication of the Consumer Price Index and its components.",
        "Publication mensuelle de l'Indice des prix à la consommation et de ses composantes.",
        ("ONL",),
        12,
        recipient="SOCIETY",
        online="NA NA NA NA Y Y",
        standards=(_ON_SCHEDULE,),
        designations=("priority", "essential"),
    ),
    DemoService(
        6,
        "ottawa-contact-centre",
        "CST02",
        "INFO",
        "EXTERN",
        "ECONOM,PERSON,PTC",
        "Labour Force Survey results",
        "Résultats de l'Enquête sur la population active",
        "Monthly estimates of employment, unemployment and wages for Canada, the provinces "
        "and large cities.",
        "Estimations mensuelles de l'emploi, du chômage et des salaires pour le Canada, les "
        "provinces et les grandes villes.",
        ("ONL",),
        12,
        recipient="SOCIETY",
        online="NA NA NA NA Y Y",
        standards=(_ON_SCHEDULE,),
        designations=("priority", "essential"),
    ),
    DemoService(
        7,
        "ottawa-contact-centre",
        "CST02",
        "INFO",
        "EXTERN",
        "NGO,PERSON,PTC",
        "Census data products",
        "Produits de données du recensement",
        "Census tables, profiles and boundary files for every community in Canada.",
        "Tableaux, profils et fichiers des limites du recensement pour chaque collectivité du "
        "Canada.",
        ("ONL",),
        140,
        recipient="SOCIETY",
        online="NA NA NA NA Y Y",
        standards=(_ON_SCHEDULE,),
    ),
    DemoService(
        8,
        "vancouver",
        "CST02",
        "INFO",
        "EXTERN",
        "NGO,PTC",
        "Statistical geography files",
        "Fichiers de géographie statistique",
        "Boundary, road network and correspondence files used to map statistical data.",
        "Fichiers des limites, du réseau routier et de correspondance servant à cartographier "
        "les données statistiques.",
        ("ONL",),
        60,
        recipient="SOCIETY",
        online="NA NA NA NA Y Y",
        standards=(_ON_SCHEDULE,),
    ),
    DemoService(
        9,
        "ottawa-contact-centre",
        "CST04",
        "APIR",
        "EXTERN",
        "ECONOM",
        "Licences to redistribute data commercially",
        "Licences de redistribution commerciale des données",
        "Licences that allow firms to resell or embed the agency's data in commercial products.",
        "Licences permettant aux entreprises de revendre les données de l'Agence ou de les "
        "intégrer à des produits commerciaux.",
        ("ONL", "EML"),
        310,
        fee="Y",
        standards=(
            _s(
                "Issue a licence within 15 business days of a complete request",
                "Délivrer une licence dans un délai de 15 jours ouvrables suivant une demande "
                "complète",
                "TML",
                "EML",
                "0.9",
                (0.9, 0.95),
            ),
        ),
    ),
    DemoService(
        10,
        "ottawa-contact-centre",
        "CST05",
        "INFO",
        "ENTERPRISE",
        "INTERN_GOV",
        "Record linkage for federal partners",
        "Couplage d'enregistrements pour les partenaires fédéraux",
        "Secure linkage of administrative files from federal departments to produce "
        "statistical studies, under approved agreements.",
        "Couplage sécurisé de fichiers administratifs de ministères fédéraux pour produire des "
        "études statistiques, dans le cadre d'ententes approuvées.",
        ("EML",),
        85,
        online="N Y N N N N",
        standards=(
            _s(
                "Deliver linked files within 60 business days of approval",
                "Livrer les fichiers couplés dans un délai de 60 jours ouvrables suivant "
                "l'approbation",
                "TML",
                "EML",
                "0.8",
                (0.76, 0.82),
            ),
        ),
    ),
    DemoService(
        11,
        "vancouver",
        "CST03",
        "INFO",
        "EXTERN",
        "ECONOM",
        "Export readiness advice",
        "Conseils sur la préparation à l'exportation",
        "One-on-one advice to small and medium-sized businesses preparing to sell abroad.",
        "Conseils individuels aux petites et moyennes entreprises qui se préparent à vendre à "
        "l'étranger.",
        ("ONL", "PERSON", "TEL"),
        2600,
        online="Y Y Y N NA Y",
        phone_enquiries=3100,
        standards=(
            _s(
                "Offer a first meeting within 5 business days of a request",
                "Proposer une première rencontre dans un délai de 5 jours ouvrables suivant "
                "une demande",
                "ACS",
                "PERSON",
                "0.9",
                (0.92, 0.9),
            ),
        ),
    ),
    DemoService(
        12,
        "london",
        "CST03",
        "INFO",
        "EXTERN",
        "ECONOM,FOR",
        "Trade commissioner services in the United Kingdom",
        "Services des délégués commerciaux au Royaume-Uni",
        "Market advice, introductions to buyers and partners, and help to solve business "
        "problems in the United Kingdom.",
        "Conseils sur le marché, mises en relation avec des acheteurs et des partenaires, et "
        "aide à résoudre des problèmes d'affaires au Royaume-Uni.",
        ("ONL", "EML", "PERSON"),
        740,
        online="Y Y Y N NA Y",
        standards=(
            _s(
                "Respond to a request for service within 5 business days",
                "Répondre à une demande de service dans un délai de 5 jours ouvrables",
                "TML",
                "EML",
                "0.9",
                (0.88, 0.93),
            ),
        ),
    ),
    DemoService(
        13,
        "vancouver",
        "CST04",
        "INFO",
        "EXTERN",
        "ECONOM",
        "Market intelligence reports",
        "Rapports de veille des marchés",
        "Reports on foreign markets, sectors and opportunities, prepared by trade analysts.",
        "Rapports sur les marchés étrangers, les secteurs et les débouchés, préparés par des "
        "analystes du commerce.",
        ("ONL",),
        180,
        online="Y Y Y NA Y Y",
    ),
    DemoService(
        14,
        "montreal",
        "CST03",
        "GNC",
        "EXTERN",
        "ECONOM,NGO",
        "Export market development grants",
        "Subventions au développement des marchés d'exportation",
        "Grants that share the cost of trade shows, market research and travel to new export "
        "markets.",
        "Subventions qui partagent le coût de salons professionnels, d'études de marché et de "
        "déplacements vers de nouveaux marchés d'exportation.",
        ("ONL",),
        1350,
        online="Y Y Y Y Y Y",
        standards=(
            _s(
                "Acknowledge an application within 2 business days",
                "Accuser réception d'une demande dans un délai de 2 jours ouvrables",
                "TML",
                "ONL",
                "0.95",
                (0.97, 0.96),
            ),
            _s(
                "Decide on a complete application within 60 business days",
                "Rendre une décision sur une demande complète dans un délai de 60 jours ouvrables",
                "TML",
                "ONL",
                "0.8",
                (0.72, 0.84),
            ),
            _s(
                "Pay an approved claim within 30 calendar days",
                "Verser le paiement d'une réclamation approuvée dans un délai de 30 jours civils",
                "TML",
                "ONL",
                "0.9",
                (0.91, 0.89),
            ),
        ),
        designations=("priority",),
    ),
    DemoService(
        15,
        "vancouver",
        "CST03",
        "INFO",
        "EXTERN",
        "ECONOM",
        "Trade mission registration",
        "Inscription aux missions commerciales",
        "Registration of businesses for trade missions led by the agency.",
        "Inscription des entreprises aux missions commerciales dirigées par l'Agence.",
        ("ONL",),
        420,
        fee="Y",
        standards=(
            _s(
                "Confirm registration within 3 business days",
                "Confirmer l'inscription dans un délai de 3 jours ouvrables",
                "TML",
                "ONL",
                "0.95",
                (0.99, 0.98),
            ),
        ),
    ),
    DemoService(
        16,
        "st-johns",
        "CST04",
        "APIR",
        "EXTERN",
        "ECONOM,FOR",
        "Verification of certificates of origin",
        "Vérification des certificats d'origine",
        "Verification, at a foreign customs authority's request, of certificates of origin "
        "issued by Canadian exporters.",
        "Vérification, à la demande d'une administration douanière étrangère, des certificats "
        "d'origine délivrés par des exportateurs canadiens.",
        ("EML", "POST"),
        260,
        online="NA NA N N N N",
        standards=(
            _s(
                "Complete a verification within 90 calendar days",
                "Terminer une vérification dans un délai de 90 jours civils",
                "TML",
                "EML",
                "0.9",
                (0.86, 0.9),
            ),
        ),
    ),
    DemoService(
        17,
        "st-johns",
        "CST04",
        "INFO",
        "EXTERN",
        "ECONOM",
        "Guidance on classifying goods in the Harmonized System",
        "Conseils sur le classement des marchandises dans le Système harmonisé",
        "Help for exporters and importers to find the Harmonized System code of their goods "
        "for trade statistics.",
        "Aide aux exportateurs et importateurs pour trouver le code du Système harmonisé de "
        "leurs marchandises aux fins des statistiques commerciales.",
        ("ONL", "EML", "TEL"),
        5200,
        online="NA NA Y Y Y Y",
        phone_enquiries=2300,
        standards=(_ANSWER_EMAIL,),
    ),
    DemoService(
        18,
        "ottawa-contact-centre",
        "CST04",
        "INFO",
        "EXTERN",
        "ECONOM,NGO",
        "International merchandise trade data requests",
        "Demandes de données sur le commerce international de marchandises",
        "Detailed import and export data by product, country and province, on request.",
        "Données détaillées sur les importations et les exportations par produit, pays et "
        "province, sur demande.",
        ("ONL", "EML"),
        1900,
        fee="Y",
        standards=(
            _s(
                "Deliver standard extractions within 10 business days",
                "Livrer les extractions standard dans un délai de 10 jours ouvrables",
                "TML",
                "EML",
                "0.9",
                (0.95, 0.92),
            ),
        ),
    ),
    DemoService(
        19,
        "montreal",
        "CST01",
        "INFO",
        "EXTERN",
        "ECONOM",
        "Business Register updates",
        "Mises à jour du Registre des entreprises",
        "Changes to a business's name, address, activity or contact in the Business Register "
        "used to select survey samples.",
        "Modifications du nom, de l'adresse, de l'activité ou de la personne-ressource d'une "
        "entreprise dans le Registre des entreprises servant à choisir les échantillons "
        "d'enquête.",
        ("ONL", "EML", "TEL"),
        8700,
        online="Y Y Y Y Y Y",
        phone_enquiries=1200,
        standards=(
            _s(
                "Process an update within 10 business days",
                "Traiter une mise à jour dans un délai de 10 jours ouvrables",
                "TML",
                "ONL",
                "0.9",
                (0.9, 0.93),
            ),
            _s(
                "Record updates without error",
                "Enregistrer les mises à jour sans erreur",
                "ACY",
                "ONL",
                "0.98",
                (0.985, 0.99),
            ),
        ),
    ),
    DemoService(
        20,
        "ottawa-contact-centre",
        "CST05",
        "CER",
        "ENTERPRISE",
        "INTERN_GOV",
        "Statistical training for public servants",
        "Formation en statistique pour les fonctionnaires",
        "Courses on survey methods, data analysis and data literacy for federal employees.",
        "Cours sur les méthodes d'enquête, l'analyse de données et la littératie des données "
        "pour les fonctionnaires fédéraux.",
        ("ONL",),
        3400,
        fee="Y",
        online="Y Y Y Y Y Y",
        standards=(
            _s(
                "Confirm enrolment within 2 business days",
                "Confirmer l'inscription dans un délai de 2 jours ouvrables",
                "TML",
                "ONL",
                "0.95",
                (0.96, 0.97),
            ),
        ),
    ),
    DemoService(
        21,
        "montreal",
        "CST02",
        "INFO",
        "ENTERPRISE",
        "INTERN_GOV",
        "Questionnaire testing for departments",
        "Mise à l'essai de questionnaires pour les ministères",
        "Cognitive testing of questionnaires designed by other departments, on a cost-recovery "
        "basis.",
        "Essais cognitifs de questionnaires conçus par d'autres ministères, selon le principe "
        "du recouvrement des coûts.",
        ("EML",),
        45,
        fee="Y",
        online="N Y N N N N",
        standards=(
            _s(
                "Deliver a test report within 40 business days",
                "Remettre un rapport d'essai dans un délai de 40 jours ouvrables",
                "TML",
                "EML",
                "0.8",
                (0.8, 0.78),
            ),
        ),
    ),
    DemoService(
        22,
        "montreal",
        "CST02",
        "INFO",
        "EXTERN",
        "NGO,PTC",
        "Cost-recovered surveys",
        "Enquêtes à recouvrement des coûts",
        "Surveys designed and run for provinces, territories and non-profit organizations that "
        "pay their cost.",
        "Enquêtes conçues et menées pour des provinces, des territoires et des organismes sans "
        "but lucratif qui en assument le coût.",
        ("EML",),
        30,
        fee="Y",
        online="N N N N N N",
    ),
    DemoService(
        23,
        "st-johns",
        "CST02",
        "INFO",
        "EXTERN",
        "NGO,PTC",
        "Data partnerships with Indigenous communities",
        "Partenariats de données avec les communautés autochtones",
        "Support for First Nations, Inuit and Métis organizations to collect, hold and use "
        "their own data.",
        "Soutien aux organisations des Premières Nations, des Inuit et des Métis pour "
        "recueillir, conserver et utiliser leurs propres données.",
        ("EML", "PERSON"),
        65,
        online="NA NA N N N N",
    ),
    DemoService(
        24,
        "ottawa-contact-centre",
        "CST05",
        "APIR",
        "EXTERN",
        "ECONOM,NGO,PERSON",
        "Access to information and privacy requests",
        "Demandes d'accès à l'information et de protection des renseignements personnels",
        "Requests for records under the Access to Information Act and the Privacy Act.",
        "Demandes de documents présentées en vertu de la Loi sur l'accès à l'information et de "
        "la Loi sur la protection des renseignements personnels.",
        ("ONL", "EML", "POST"),
        780,
        online="Y Y Y N Y Y",
        standards=(
            _s(
                "Respond within the 30 days set by the Act",
                "Répondre dans le délai de 30 jours prévu par la Loi",
                "TML",
                "ONL",
                "0.95",
                (0.9, 0.94),
            ),
        ),
    ),
    DemoService(
        25,
        "ottawa-contact-centre",
        "CST05",
        "INFO",
        "EXTERN",
        "ECONOM,NGO,PERSON",
        "Client complaints and compliments",
        "Plaintes et compliments des clients",
        "Receipt, follow-up and resolution of complaints, compliments and suggestions about the "
        "agency's services.",
        "Réception, suivi et règlement des plaintes, compliments et suggestions au sujet des "
        "services de l'Agence.",
        ("ONL", "EML", "TEL", "POST"),
        640,
        online="NA NA Y Y Y Y",
        phone_enquiries=410,
        standards=(
            _s(
                "Acknowledge a complaint within 2 business days",
                "Accuser réception d'une plainte dans un délai de 2 jours ouvrables",
                "TML",
                "ONL",
                "0.95",
                (0.98, 0.97),
            ),
            _s(
                "Resolve a complaint within 30 business days",
                "Régler une plainte dans un délai de 30 jours ouvrables",
                "TML",
                "ONL",
                "0.85",
                (0.83, 0.88),
            ),
        ),
    ),
    DemoService(
        26,
        "ottawa-contact-centre",
        "CST05",
        "INFO",
        "EXTERN",
        "ECONOM,NGO,PERSON",
        "Media enquiries",
        "Demandes des médias",
        "Interviews, data and explanations for journalists about the agency's releases.",
        "Entrevues, données et explications pour les journalistes au sujet des diffusions de "
        "l'Agence.",
        ("EML", "TEL"),
        1300,
        online="NA NA N N N N",
        phone_enquiries=900,
        standards=(
            _s(
                "Reply to a journalist the same business day",
                "Répondre à un journaliste le jour ouvrable même",
                "TML",
                "EML",
                "0.9",
                (0.92, 0.95),
            ),
        ),
    ),
    DemoService(
        27,
        "montreal",
        "CST02",
        "APIR",
        "EXTERN",
        "PERSON",
        "Accreditation of visiting researchers",
        "Accréditation des chercheurs invités",
        "Security screening and oath of confidentiality for researchers who work on "
        "confidential data.",
        "Vérification de sécurité et serment de confidentialité pour les chercheurs qui "
        "travaillent sur des données confidentielles.",
        ("ONL", "PERSON"),
        520,
        online="Y Y Y Y Y Y",
        standards=(
            _s(
                "Complete an accreditation within 30 business days",
                "Terminer une accréditation dans un délai de 30 jours ouvrables",
                "TML",
                "ONL",
                "0.85",
                (0.87, 0.8),
            ),
        ),
    ),
    DemoService(
        28,
        "vancouver",
        "CST01",
        "INFO",
        "EXTERN",
        "ECONOM,NGO,PERSON,PTC",
        "Interactive data visualizations",
        "Visualisations interactives des données",
        "Dashboards and interactive maps that present the agency's statistics.",
        "Tableaux de bord et cartes interactives présentant les statistiques de l'Agence.",
        ("ONL",),
        35,
        recipient="SOCIETY",
        online="NA NA NA NA Y Y",
        standards=(
            _s(
                "Keep the visualizations available 99.5% of the time",
                "Assurer la disponibilité des visualisations 99,5 % du temps",
                "ACS",
                "ONL",
                "0.995",
                (0.998, 0.996),
            ),
        ),
    ),
    DemoService(
        29,
        "ottawa-contact-centre",
        "CST05",
        "RES",
        "INTERN",
        "INTERN_GOV",
        "Procurement services",
        "Services d'approvisionnement",
        "Purchase of goods and services for the agency's branches.",
        "Achat de biens et de services pour les directions générales de l'Agence.",
        ("ONL", "EML"),
        2100,
        online="Y Y Y Y Y Y",
    ),
    DemoService(
        30,
        "vancouver",
        "CST04",
        "INFO",
        "EXTERN",
        "ECONOM",
        "Early warnings of trade barriers",
        "Alertes précoces sur les obstacles au commerce",
        "Subscription alerts about new foreign tariffs, quotas and technical barriers that "
        "affect Canadian exporters.",
        "Alertes par abonnement sur les nouveaux tarifs, contingents et obstacles techniques "
        "étrangers qui touchent les exportateurs canadiens.",
        ("ONL",),
        6800,
        online="Y Y Y NA Y Y",
        standards=(
            _s(
                "Send an alert within 2 business days of a foreign notice",
                "Envoyer une alerte dans un délai de 2 jours ouvrables suivant un avis étranger",
                "TML",
                "ONL",
                "0.9",
                (0.95, 0.9),
            ),
        ),
    ),
)

#: Who the demo service owner account owns.
OWNED_BY_DEMO_OWNER = ("CSTA-002", "CSTA-014", "CSTA-019")

#: The casework of the demo (``comptoir demo``): generated clients and cases over the last year
#: (``comptoir.casework.generator``, with this seed), worked by the officer and the manager.
CASEWORK_SEED = 2026
CASEWORK_CLIENTS = 300
CASEWORK_CASES = 3000
CASEWORK_DAYS = 365
#: Unit memberships of the casework accounts: (user name, unit code, manager).
MEMBERSHIPS = (
    ("demo-officer", "ottawa-contact-centre", False),
    ("demo-officer", "montreal", False),
    ("demo-manager", "ottawa-contact-centre", True),
    ("demo-manager", "montreal", True),
    ("demo-manager", "vancouver", True),
    ("demo-manager", "st-johns", True),
    ("demo-manager", "london", True),
)
#: The standards given a machine rule (by their English words): within the business days they
#: name, from received until resolved, paused while awaiting the client.
RULED_STANDARDS = (
    "Reply to emails within 2 business days",
    "Respond to a request for service within 5 business days",
    "Provide a cost estimate within 5 business days",
)
