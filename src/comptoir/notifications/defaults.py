"""The wording of each kind of notification until someone edits it (``MessageTemplate``).

Both languages are written here side by side, not translated through gettext: a template is
bilingual data (``subject_en`` / ``subject_fr``…) that staff edit as a pair, and these are its
first values. Placeholders are ``{name}`` (see ``rendering.PLACEHOLDERS``); a line whose
placeholders are all empty is left out, so a message without a status link (the portal not yet
deployed) or without a due date reads naturally.
"""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.notifications.models import MessageKind


@dataclass(frozen=True, slots=True)
class DefaultWording:
    subject_en: str
    subject_fr: str
    body_en: str
    body_fr: str


_SIGN_OFF_EN = "\n\n{service}\nPlease keep the reference {reference} in the subject of any reply."
_SIGN_OFF_FR = (
    "\n\n{service}\nVeuillez garder le numéro de référence {reference} dans l’objet de toute "
    "réponse."
)

DEFAULTS: dict[str, DefaultWording] = {
    MessageKind.ACKNOWLEDGEMENT: DefaultWording(
        subject_en="We received your request {reference}",
        subject_fr="Nous avons reçu votre demande {reference}",
        body_en=(
            "Hello,\n\nWe received your request. Its reference number is {reference}.\n\n"
            "You can follow it here: {status_url}\n"
            "You can also look it up with its reference number and your email address: "
            "{lookup_url}\n"
            "We expect to answer by {due_date}." + _SIGN_OFF_EN
        ),
        body_fr=(
            "Bonjour,\n\nNous avons bien reçu votre demande. Son numéro de référence est "
            "{reference}.\n\n"
            "Vous pouvez en suivre l’avancement ici\u00a0: {status_url}\n"
            "Vous pouvez aussi la retrouver avec son numéro de référence et votre adresse "
            "courriel\u00a0: {lookup_url}\n"
            "Nous prévoyons vous répondre d’ici le {due_date}." + _SIGN_OFF_FR
        ),
    ),
    MessageKind.INFORMATION_REQUESTED: DefaultWording(
        subject_en="We need information to continue your request {reference}",
        subject_fr="Il nous faut des renseignements pour poursuivre votre demande {reference}",
        body_en=(
            "Hello,\n\nTo continue working on your request {reference}, we need the following "
            "from you:\n\n{reason}\n\n"
            "Reply to this email, or add it on your request's page: {status_url}\n"
            "The time we take to answer does not count while we wait for you." + _SIGN_OFF_EN
        ),
        body_fr=(
            "Bonjour,\n\nPour poursuivre le traitement de votre demande {reference}, il nous "
            "faut ce qui suit\u00a0:\n\n{reason}\n\n"
            "Répondez à ce courriel, ou ajoutez-le sur la page de votre demande\u00a0: "
            "{status_url}\n"
            "Le délai de réponse est suspendu pendant que nous attendons votre réponse."
            + _SIGN_OFF_FR
        ),
    ),
    MessageKind.INTERIM_REPLY: DefaultWording(
        subject_en="Our answer to your request {reference} will be late",
        subject_fr="Notre réponse à votre demande {reference} sera en retard",
        body_en=(
            "Hello,\n\nWe are still working on your request {reference}, and we will not be "
            "able to give you our final answer within our published service standard (by "
            "{due_date}). We have not forgotten it: someone will write to you as soon as we "
            "have the answer, or a new date.\n\n"
            "You can follow your request here: {status_url}" + _SIGN_OFF_EN
        ),
        body_fr=(
            "Bonjour,\n\nNous traitons toujours votre demande {reference}, et nous ne pourrons "
            "pas vous donner notre réponse finale dans le délai prévu par notre norme de service "
            "publiée (d’ici le {due_date}). Nous ne l’avons pas oubliée\u00a0: quelqu’un vous "
            "écrira dès que nous aurons la réponse, ou une nouvelle date.\n\n"
            "Vous pouvez suivre votre demande ici\u00a0: {status_url}" + _SIGN_OFF_FR
        ),
    ),
    MessageKind.DUE_DATE_REVISED: DefaultWording(
        subject_en="New expected date for your request {reference}",
        subject_fr="Nouvelle date prévue pour votre demande {reference}",
        body_en=(
            "Hello,\n\nWe will not be able to answer your request {reference} by the date we "
            "gave you. We now expect to answer by {due_date}.\n\n"
            "Why: {reason}\n\n"
            "We are sorry for the delay. You can follow your request here: {status_url}"
            + _SIGN_OFF_EN
        ),
        body_fr=(
            "Bonjour,\n\nNous ne pourrons pas répondre à votre demande {reference} à la date "
            "annoncée. Nous prévoyons maintenant vous répondre d’ici le {due_date}.\n\n"
            "Raison\u00a0: {reason}\n\n"
            "Nous sommes désolés de ce retard. Vous pouvez suivre votre demande ici\u00a0: "
            "{status_url}" + _SIGN_OFF_FR
        ),
    ),
    MessageKind.RESOLVED: DefaultWording(
        subject_en="Your request {reference} is closed",
        subject_fr="Votre demande {reference} est fermée",
        body_en=(
            "Hello,\n\nWe have finished working on your request {reference}.\n\n"
            "You can see its history here: {status_url}\n"
            "If something is missing, reply to this email and we will look at it again."
            + _SIGN_OFF_EN
        ),
        body_fr=(
            "Bonjour,\n\nNous avons terminé le traitement de votre demande {reference}.\n\n"
            "Vous pouvez en consulter l’historique ici\u00a0: {status_url}\n"
            "S’il manque quelque chose, répondez à ce courriel et nous y reviendrons."
            + _SIGN_OFF_FR
        ),
    ),
    MessageKind.SURVEY_INVITATION: DefaultWording(
        subject_en="How did we do? Your request {reference}",
        subject_fr="Votre avis compte\u00a0: votre demande {reference}",
        body_en=(
            "Hello,\n\nWe recently answered your request {reference}. Would you tell us how it "
            "went? The survey takes about three minutes and is anonymous:\n\n{survey_url}"
            + _SIGN_OFF_EN
        ),
        body_fr=(
            "Bonjour,\n\nNous avons récemment répondu à votre demande {reference}. "
            "Accepteriez-vous de nous dire comment cela s’est passé? Le sondage prend environ "
            "trois minutes et est anonyme\u00a0:\n\n{survey_url}" + _SIGN_OFF_FR
        ),
    ),
    MessageKind.REPLY: DefaultWording(
        subject_en="Your request {reference}",
        subject_fr="Votre demande {reference}",
        body_en=(
            "Hello,\n\n{reply}\n\nYou can follow your request here: {status_url}" + _SIGN_OFF_EN
        ),
        body_fr=(
            "Bonjour,\n\n{reply}\n\nVous pouvez suivre votre demande ici\u00a0: {status_url}"
            + _SIGN_OFF_FR
        ),
    ),
}
