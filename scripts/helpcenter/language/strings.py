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
        "search_corrected": "Résultats pour «\u202f{query}\u202f»",
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
        "vote_no_collector": "Pour nous dire ce qui manque, contactez le support : votre message indiquera cet article.",
        "support_language": "version française",
        "support_subject_article": "Question sur l'article {id} du centre d'aide : {title}",
        "support_body_article": "Bonjour,\n\nJe lis l'article « {title} » (n° {id}, {language}) :\n{url}\n\nMa question :\n\n",
        "support_subject_page": "Question depuis le centre d'aide",
        "support_body_page": "Bonjour,\n\nJe vous écris depuis cette page du centre d'aide :\n{url}\n\nMa question :\n\n",
        "support_body_site": "Bonjour,\n\nJe vous écris depuis le centre d'aide.\n\nMa question :\n\n",
        "vote_reason_legend": "Qu'est-ce qui n'allait pas\u00a0?",
        "vote_reason_outdated": "Informations incorrectes ou obsolètes",
        "vote_reason_missing-steps": "Étapes manquantes",
        "vote_reason_unclear": "Difficile à comprendre",
        "vote_reason_other": "Autre",
        "incomplete_steps": "La procédure détaillée de cet article est en cours de rédaction. "
                            "Notre support vous guide en attendant.",
        "incomplete_content": "Cet article est en cours de rédaction. Notre support vous guide en attendant.",
        "short_link": "Lien permanent de cet article :",
        "copy_link": "Copier le lien vers cette section",
        "link_copied": "Lien copié",
        "outdated": "Cette traduction n'est peut-être pas à jour : l'article d'origine a été modifié depuis.",
        "not_translated": "Cet article n'est pas encore traduit en français.",
        "read_original": "Lire l'article original : {title}",
        "updated": "Mis à jour le {date}",
        "draft": "Brouillon",
        "draft_note": "Cet article n'est visible que dans l'aperçu : il ne sera publié qu'une fois la ligne « status: draft » retirée, dans les deux langues.",
        "agents_title": "Recherche pour le support",
        "agents_intro": "Trouvez un article dans les deux langues et copiez son lien. Tapez, choisissez avec les flèches ↑ ↓, Entrée copie le lien dans la langue du ticket.",
        "agents_search_label": "Rechercher un article (en français ou en anglais)",
        "agents_ticket_lang": "Langue du ticket",
        "agents_copy_fr": "Copier le lien FR",
        "agents_copy_en": "Copier le lien EN",
        "agents_copy_section": "Copier le lien de la section",
        "agents_copy_md": "Copier en Markdown",
        "agents_section": "Section",
        "agents_whole": "Tout l'article",
        "agents_missing_fr": "Pas de version française",
        "agents_missing_en": "Pas de version anglaise",
        "agents_incomplete": "Article incomplet : {what}",
        "agents_missing-steps": "étapes manquantes",
        "agents_missing-content": "contenu manquant",
        "agents_copied": "Copié : {text}",
        "agents_none": "Aucun article trouvé.",
        "agents_count": "{n} article(s) trouvé(s)",
        "not_found_title": "Page introuvable",
        "not_found_text": "Cette page n'existe pas ou a été déplacée. Cherchez votre question ou parcourez les catégories.",
        "back_home": "Retour à l'accueil du centre d'aide",
        "footer_label": "Pied de page",
        "redirect_title": "Redirection…",
        "redirect_text": "Cet article a changé d'adresse : vous allez être redirigé vers {link}.",
        "redirect_link": "sa nouvelle page",
        "made_with": "Réalisé avec",
        # a search without a result (partials/search.html, assets/kb-search.js); {query}: what was typed
        "no_result": "Aucun article ne correspond à votre recherche.",
        "no_result_next": "Parcourez les catégories, lisez les articles populaires ou posez votre question au support.",
        "no_result_other_one": "{n} résultat en anglais",
        "no_result_other_other": "{n} résultats en anglais",
        "no_result_contact": "Poser la question au support",
        "support_subject_search": "Question depuis le centre d'aide : {query}",
        "support_body_search": "Bonjour,\n\nJ'ai cherché « {query} » dans le centre d'aide sans trouver de réponse.\n\nMa question :\n\n",
    },
    "en": {
        "home": "Home",
        "breadcrumb_label": "Breadcrumb",
        "hero_title": "How can we help?",
        "search_placeholder": "Search the help center",
        "search_button": "Search",
        "search_corrected": "Results for \u201c{query}\u201d",
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
        "vote_no_collector": "To tell us what is missing, contact support: your message will name this article.",
        "support_language": "English version",
        "support_subject_article": "Question about help center article {id}: {title}",
        "support_body_article": "Hello,\n\nI am reading the article \u201c{title}\u201d (no. {id}, {language}):\n{url}\n\nMy question:\n\n",
        "support_subject_page": "Question from the help center",
        "support_body_page": "Hello,\n\nI am writing from this page of the help center:\n{url}\n\nMy question:\n\n",
        "support_body_site": "Hello,\n\nI am writing from the help center.\n\nMy question:\n\n",
        "vote_reason_legend": "What was wrong?",
        "vote_reason_outdated": "Incorrect or outdated information",
        "vote_reason_missing-steps": "Missing steps",
        "vote_reason_unclear": "Hard to understand",
        "vote_reason_other": "Other",
        "incomplete_steps": "The detailed procedure in this article is still being written. "
                            "Our support team can guide you in the meantime.",
        "incomplete_content": "This article is still being written. Our support team can guide you in the meantime.",
        "short_link": "Permanent link to this article:",
        "copy_link": "Copy the link to this section",
        "link_copied": "Link copied",
        "outdated": "This translation may be out of date: the original article has changed since.",
        "not_translated": "This article is not available in English yet.",
        "read_original": "Read the original article: {title}",
        "updated": "Updated {date}",
        "draft": "Draft",
        "draft_note": "This article only shows in the preview: it is published once the line \"status: draft\" is removed, in both languages.",
        "agents_title": "Support lookup",
        "agents_intro": "Find an article in both languages and copy its link. Type, choose with the ↑ ↓ arrows, Enter copies the link in the ticket's language.",
        "agents_search_label": "Search an article (in French or English)",
        "agents_ticket_lang": "Ticket language",
        "agents_copy_fr": "Copy FR link",
        "agents_copy_en": "Copy EN link",
        "agents_copy_section": "Copy section link",
        "agents_copy_md": "Copy as Markdown",
        "agents_section": "Section",
        "agents_whole": "Whole article",
        "agents_missing_fr": "No French version",
        "agents_missing_en": "No English version",
        "agents_incomplete": "Incomplete article: {what}",
        "agents_missing-steps": "missing steps",
        "agents_missing-content": "missing content",
        "agents_copied": "Copied: {text}",
        "agents_none": "No article found.",
        "agents_count": "{n} article(s) found",
        "not_found_title": "Page not found",
        "not_found_text": "This page does not exist or has moved. Search for your question or browse the categories.",
        "back_home": "Back to the help center home",
        "footer_label": "Footer",
        "redirect_title": "Redirecting…",
        "redirect_text": "This article has moved: you are being taken to {link}.",
        "redirect_link": "its new page",
        "made_with": "Made with",
        "no_result": "No article matches your search.",
        "no_result_next": "Browse the categories, read the popular articles or ask support.",
        "no_result_other_one": "{n} result in French",
        "no_result_other_other": "{n} results in French",
        "no_result_contact": "Ask support",
        "support_subject_search": "Question from the help center: {query}",
        "support_body_search": "Hello,\n\nI searched the help center for \u201c{query}\u201d and found no answer.\n\nMy question:\n\n",
    },
}


def strings(lang: str) -> dict[str, str]:
    return STRINGS[lang]


def count(lang: str, n: int) -> str:
    key = "article_count_one" if n == 1 else "article_count_other"
    return STRINGS[lang][key].format(n=n)


MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def long_date(lang: str, d) -> str:
    """« 1er décembre 2026 », « 3 décembre 2026 » / "December 3, 2026"."""
    month = MONTHS[lang][d.month - 1]
    if lang == "fr":
        return f"{'1er' if d.day == 1 else d.day} {month} {d.year}"
    return f"{month} {d.day}, {d.year}"


def updated(lang: str, d) -> str:
    """« Mis à jour le 3 décembre 2026 » / "Updated December 3, 2026"."""
    return STRINGS[lang]["updated"].format(date=long_date(lang, d))


def missing_keys() -> dict[str, set[str]]:
    """Keys present in some language but missing in another."""
    every = set().union(*(s.keys() for s in STRINGS.values()))
    return {lang: every - s.keys() for lang, s in STRINGS.items() if every - s.keys()}
