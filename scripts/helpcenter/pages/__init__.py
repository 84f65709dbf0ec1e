"""What a built page shows besides the article: SEO (seo), footer (footer), the support link (support), the
agents' page data (agents), our stylesheet and script as served (assets), files for other programs (export)."""
