/**
 * The host app's own strings. The kit's elements translate themselves by following `<html lang>`; the app only
 * switches that attribute and re-renders its own text, which is how a host with its own i18n lives with the kit.
 */
const en = {
  user: 'User',
  language: 'Language',
  darkMode: 'Dark mode',
  skip: 'Skip to content',
  navDashboard: 'Dashboard',
  navCatalogue: 'Catalogue',
  navImport: 'Import products',
  navMassEdit: 'Mass edit',
  navPlanning: 'Planning',
  navOptimise: 'Optimise schedule',
  navOperations: 'Operations',
  navTracker: 'Job tracker',
  dashboardTitle: 'Good day',
  dashboardIntro: 'Launch a background operation, then follow it here or in the job tracker.',
  quickActions: 'Quick actions',
  importTitle: 'Import products',
  importIntro:
    'Upload a CSV file with the columns sku, name, price, stock and category. Rows that cannot be read are skipped and listed in the report.',
  csvFile: 'CSV file',
  noFile: 'Choose a CSV file first.',
  fileLimit: 'At most 900,000 characters (about 880 KB).',
  fileTooLarge: 'This file is too large for the import: at most 900,000 characters (about 880 KB). Split it in parts.',
  mode: 'Mode',
  modeUpsert: 'Create and update',
  modeCreate: 'Create only',
  confirmationMail: 'Send me a confirmation mail when it ends',
  launchImport: 'Start import',
  downloadSample: 'Download a sample file (with two bad rows)',
  optimiseTitle: 'Optimise the schedule',
  optimiseIntro:
    'Searches a better assignment of shifts for the planning period. It runs in the background for the whole time budget; you can interrupt it from the job tracker.',
  period: 'Planning period',
  employees: 'Employees',
  timeBudget: 'Time budget (seconds)',
  launchOptimise: 'Start optimisation',
  massEditTitle: 'Mass edit of products',
  massEditIntro: 'Changes the price of every product of a category (or of all products) by a percentage.',
  category: 'Category (empty for all)',
  priceChange: 'Price change (%)',
  launchMassEdit: 'Apply to products',
  trackerTitle: 'Job tracker',
  trackerIntro: 'Every background job you may see, live. Select jobs to requeue, interrupt or delete them.',
  reportTitle: 'Job report',
  backToTracker: 'Back to the job tracker',
  launchFailed: 'The job could not be started:',
  signedInAs: 'Signed in as',
  notFound: 'This page does not exist.',
};

export type AppMessages = typeof en;

const fr: AppMessages = {
  user: 'Utilisateur',
  language: 'Langue',
  darkMode: 'Mode sombre',
  skip: 'Aller au contenu',
  navDashboard: 'Tableau de bord',
  navCatalogue: 'Catalogue',
  navImport: 'Importer des produits',
  navMassEdit: 'Modification en masse',
  navPlanning: 'Planification',
  navOptimise: 'Optimiser le planning',
  navOperations: 'Opérations',
  navTracker: 'Suivi des traitements',
  dashboardTitle: 'Bonjour',
  dashboardIntro: 'Lancez un traitement en arrière-plan, puis suivez-le ici ou dans le suivi des traitements.',
  quickActions: 'Actions rapides',
  importTitle: 'Importer des produits',
  importIntro:
    'Déposez un fichier CSV avec les colonnes sku, name, price, stock et category. Les lignes illisibles sont ignorées et listées dans le rapport.',
  csvFile: 'Fichier CSV',
  noFile: "Choisissez d'abord un fichier CSV.",
  fileLimit: '900 000 caractères au plus (environ 880 Ko).',
  fileTooLarge: "Ce fichier est trop gros pour l'import : 900 000 caractères au plus (environ 880 Ko). Découpez-le.",
  mode: 'Mode',
  modeUpsert: 'Créer et mettre à jour',
  modeCreate: 'Créer seulement',
  confirmationMail: 'Recevoir un e-mail de confirmation à la fin',
  launchImport: "Lancer l'import",
  downloadSample: "Télécharger un fichier d'exemple (avec deux lignes erronées)",
  optimiseTitle: 'Optimiser le planning',
  optimiseIntro:
    "Recherche une meilleure affectation des postes sur la période. Le traitement dure tout le temps alloué ; vous pouvez l'interrompre depuis le suivi des traitements.",
  period: 'Période de planification',
  employees: 'Employés',
  timeBudget: 'Temps alloué (secondes)',
  launchOptimise: "Lancer l'optimisation",
  massEditTitle: 'Modification en masse des produits',
  massEditIntro: "Change le prix de tous les produits d'une catégorie (ou de tous) d'un pourcentage.",
  category: 'Catégorie (vide pour toutes)',
  priceChange: 'Variation de prix (%)',
  launchMassEdit: 'Appliquer aux produits',
  trackerTitle: 'Suivi des traitements',
  trackerIntro:
    'Tous les traitements que vous pouvez voir, en direct. Sélectionnez-en pour les relancer, les interrompre ou les supprimer.',
  reportTitle: 'Rapport du traitement',
  backToTracker: 'Retour au suivi des traitements',
  launchFailed: "Le traitement n'a pas pu être lancé :",
  signedInAs: 'Connecté en tant que',
  notFound: "Cette page n'existe pas.",
};

export type Language = 'en' | 'fr';

export function language(): Language {
  return document.documentElement.lang === 'fr' ? 'fr' : 'en';
}

/** The app's message for the page's current language. */
export function t(key: keyof AppMessages): string {
  return (language() === 'fr' ? fr : en)[key];
}

/** Re-labels the shell's static text (marked `data-i18n`). */
export function translateShell(root: ParentNode = document): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n as keyof AppMessages);
  }
}
