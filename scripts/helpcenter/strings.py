"""Every interface string of the help center, in every language, in one place.

Templates read them as ``kb.t.<key>``; the vote widget gets them through data attributes. A key
missing in one language is a bug, caught by tests (``missing_keys``).
"""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "home": "Accueil",
        "breadcrumb_label": "Fil d'Ariane",
        "hero_title": "Comment pouvons-nous vous aider ?",
        "search_placeholder": "Rechercher dans le centre d'aide",
        "search_button": "Rechercher",
        "categories": "Catégories",
        "subcategories": "Sous-catégories",
        "articles_in_category": "Articles de cette catégorie",
        "article_count_one": "{n} article",
        "article_count_other": "{n} articles",
        "show_all": "Afficher tout ({n})",
        "popular": "Articles populaires",
        "related": "Articles liés",
        "vote_question": "Cela vous a-t-il été utile ?",
        "vote_yes": "Oui",
        "vote_no": "Non",
        "vote_thanks": "Merci pour votre retour !",
        "vote_change": "Modifier ma réponse",
        "vote_comment_label": "Que pouvons-nous améliorer ? (facultatif, 500 caractères maximum)",
        "vote_comment_send": "Envoyer",
        "vote_comment_sent": "Merci, votre commentaire a bien été envoyé.",
        "vote_comment_failed": "Désolés, votre commentaire n'a pas pu être envoyé. Vous pouvez réessayer.",
        "vote_contact": "Contacter le support",
        "short_link": "Lien permanent de cet article :",
        "copy_link": "Copier le lien vers cette section",
        "link_copied": "Lien copié",
        "outdated": "Cette traduction n'est peut-être pas à jour : l'article d'origine a été modifié depuis.",
        "not_translated": "Cet article n'est pas encore traduit en français.",
        "read_original": "Lire l'article original : {title}",
        "updated": "Mis à jour le",
    },
    "en": {
        "home": "Home",
        "breadcrumb_label": "Breadcrumb",
        "hero_title": "How can we help?",
        "search_placeholder": "Search the help center",
        "search_button": "Search",
        "categories": "Categories",
        "subcategories": "Sub-categories",
        "articles_in_category": "Articles in this category",
        "article_count_one": "{n} article",
        "article_count_other": "{n} articles",
        "show_all": "Show all ({n})",
        "popular": "Popular articles",
        "related": "Related articles",
        "vote_question": "Was this helpful?",
        "vote_yes": "Yes",
        "vote_no": "No",
        "vote_thanks": "Thanks for your feedback!",
        "vote_change": "Change my answer",
        "vote_comment_label": "What could we improve? (optional, 500 characters at most)",
        "vote_comment_send": "Send",
        "vote_comment_sent": "Thank you, your comment has been sent.",
        "vote_comment_failed": "Sorry, your comment could not be sent. Please try again.",
        "vote_contact": "Contact support",
        "short_link": "Permanent link to this article:",
        "copy_link": "Copy the link to this section",
        "link_copied": "Link copied",
        "outdated": "This translation may be out of date: the original article has changed since.",
        "not_translated": "This article is not available in English yet.",
        "read_original": "Read the original article: {title}",
        "updated": "Updated on",
    },
}


def strings(lang: str) -> dict[str, str]:
    return STRINGS[lang]


def count(lang: str, n: int) -> str:
    key = "article_count_one" if n == 1 else "article_count_other"
    return STRINGS[lang][key].format(n=n)


def missing_keys() -> dict[str, set[str]]:
    """Keys present in some language but missing in another."""
    every = set().union(*(s.keys() for s in STRINGS.values()))
    return {lang: every - s.keys() for lang, s in STRINGS.items() if every - s.keys()}
