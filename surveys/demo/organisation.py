"""The demo organisation's names: Formasud Numérique, its programmes, financers, trainers,
companies and staff accounts, and the settings row that introduces it."""

from __future__ import annotations

from sqlmodel import Session, select

from surveys.models import OrganisationSettings, StaffUser
from surveys.staff.accounts import create_user

PROGRAMMES = (
    ("DEV-WEB", "Développeur web et web mobile (titre professionnel)", "training", "hybrid"),
    ("MGT-DIST", "Manager une équipe à distance", "training", "remote"),
    ("BUR-COLLAB", "Bureautique et outils collaboratifs", "training", "remote"),
    ("COMPTA-PAIE", "Gestionnaire de paie", "training", "hybrid"),
    ("ANG-PRO", "Anglais professionnel en classe virtuelle", "training", "remote"),
    ("BILAN", "Bilan de compétences", "skills_assessment", "hybrid"),
)
FINANCERS = (
    "OPCO Atlas",
    "OPCO EP",
    "Akto",
    "Opco 2i",
    "Constructys",
    "Uniformation",
    "OCAPIAT",
    "France Travail",
    "Transitions Pro Île-de-France",
    "Transitions Pro Occitanie",
    "Région Occitanie",
    "Agefiph",
)
TRAINERS = (
    ("Claire", "Moreau"),
    ("Bruno", "Lefèvre"),
    ("Nadia", "Benali"),
    ("Julien", "Roux"),
    ("Sophie", "Garnier"),
    ("Thomas", "Petit"),
    ("Émilie", "Faure"),
    ("Karim", "Haddad"),
)
FIRST_NAMES = (
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Nathan",
    "Camille",
    "Enzo",
    "Inès",
    "Louis",
    "Sarah",
    "Jules",
    "Jade",
    "Gabriel",
    "Zoé",
    "Arthur",
    "Lina",
    "Raphaël",
    "Emma",
    "Adam",
    "Louise",
    "Mohamed",
    "Alice",
    "Théo",
    "Yasmine",
    "Paul",
    "Clara",
    "Maxime",
    "Anaïs",
    "Noah",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefebvre",
    "Mercier",
    "Boyer",
    "Blanc",
    "Guerin",
    "Chevalier",
    "Nguyen",
    "Diallo",
)
COMPANY_NAMES = (
    "Occitanie Logistique",
    "Garonne Bâtiment",
    "Pyrénées Santé",
    "Midi Imprimerie",
    "Canal Informatique",
    "Capitole Assurances",
    "Lauragais Agro",
    "Tarn Mécanique",
    "Aveyron Bois",
    "Gers Distribution",
    "Hérault Tourisme",
    "Aude Énergie",
    "Lot Transports",
    "Ariège Textile",
    "Rouergue Conseil",
    "Cévennes Habitat",
    "Minervois Vins",
    "Quercy Métal",
    "Comminges Services",
    "Albigeois Médical",
    "Camargue Events",
    "Causses Numérique",
    "Roussillon Froid",
    "Bigorre Électrique",
    "Ségala Paysage",
    "Volvestre Auto",
    "Lomagne Finance",
    "Corbières Édition",
    "Larzac Outdoor",
    "Cerdagne Hôtellerie",
)
DEMO_STAFF = (
    ("admin@formasud.example.org", "admin", "Demo-admin-2026", "Alix Admin"),
    ("qualite@formasud.example.org", "quality", "Demo-qualite-2026", "Quentin Qualité"),
    ("direction@formasud.example.org", "director", "Demo-direction-2026", "Diane Directrice"),
)


def set_up_organisation(session: Session) -> None:
    organisation = session.get(OrganisationSettings, 1) or OrganisationSettings(id=1, name="")
    organisation.name = "Formasud Numérique"
    organisation.contact_email = "qualite@formasud.example.org"
    organisation.support_email = "assistance@formasud.example.org"
    organisation.support_phone = "05 61 00 00 00"
    organisation.privacy_contact = "dpo@formasud.example.org"
    organisation.address = "12 allée des Demoiselles, 31400 Toulouse"
    session.add(organisation)
    session.flush()


def create_staff(session: Session) -> list[tuple[str, str, str]]:
    """The demo's staff accounts (skipping any that already exist)."""
    created = []
    for email, role, password, name in DEMO_STAFF:
        if session.exec(select(StaffUser).where(StaffUser.email == email)).first() is None:
            create_user(
                session=session,
                email=email,
                role=role,
                password=password,
                full_name=name,
                actor="demo",
            )
        created.append((email, role, password))
    return created
