/**
 * The words of a consent question's answers, in English, Spanish, French, German, Italian,
 * Portuguese, Dutch, Polish, Swedish and Danish: what a control says when clicking it grants consent,
 * or refuses it. Matched against a control's whole label, lowercased and trimmed.
 */
const GRANT = [
  // English
  "accept",
  "accept all",
  "accept all cookies",
  "accept cookies",
  "accept and close",
  "accept & close",
  "i accept",
  "agree",
  "i agree",
  "agree and close",
  "agree & continue",
  "allow",
  "allow all",
  "allow cookies",
  "allow all cookies",
  "ok",
  "okay",
  "ok, got it",
  "got it",
  "i understand",
  "understood",
  "yes",
  "yes, i agree",
  "consent",
  "enable all",
  "continue",
  "accept and continue",
  "that's ok",
  "sounds good",
  "i'm ok with that",
  // Spanish
  "aceptar",
  "acepto",
  "aceptar todo",
  "aceptar todas",
  "aceptar cookies",
  "aceptar y cerrar",
  "de acuerdo",
  "permitir",
  "permitir todas",
  "entendido",
  "vale",
  "consentir",
  // French
  "accepter",
  "j'accepte",
  "tout accepter",
  "accepter tout",
  "accepter et fermer",
  "d'accord",
  "autoriser",
  "tout autoriser",
  "compris",
  "j'ai compris",
  "oui",
  "accepter les cookies",
  // German
  "akzeptieren",
  "alle akzeptieren",
  "alles akzeptieren",
  "zustimmen",
  "allen zustimmen",
  "alle zulassen",
  "zulassen",
  "erlauben",
  "alle erlauben",
  "einverstanden",
  "ich stimme zu",
  "verstanden",
  "annehmen",
  "alle annehmen",
  "akzeptieren und schließen",
  "ja",
  // Italian
  "accetta",
  "accetto",
  "accetta tutto",
  "accetta tutti",
  "accetta e chiudi",
  "acconsento",
  "consenti",
  "consenti tutti",
  "ho capito",
  "va bene",
  "sì",
  "si",
  // Portuguese
  "aceitar",
  "aceito",
  "aceitar tudo",
  "aceitar todos",
  "concordo",
  "permitir todos",
  "entendi",
  "sim",
  "aceitar e fechar",
  "aceitar cookies",
  // Dutch
  "accepteren",
  "alles accepteren",
  "alle cookies accepteren",
  "akkoord",
  "ik ga akkoord",
  "toestaan",
  "alles toestaan",
  "begrepen",
  "ja, ik accepteer",
  // Polish
  "akceptuj",
  "akceptuję",
  "akceptuj wszystko",
  "zaakceptuj",
  "zaakceptuj wszystko",
  "zgadzam się",
  "zgoda",
  "zezwól",
  "zezwól na wszystkie",
  "rozumiem",
  "przejdź do serwisu",
  "tak",
  // Swedish
  "acceptera",
  "acceptera alla",
  "godkänn",
  "godkänn alla",
  "tillåt",
  "tillåt alla",
  "jag förstår",
  "jag godkänner",
  // Danish
  "accepter",
  "acceptér",
  "accepter alle",
  "acceptér alle",
  "tillad",
  "tillad alle",
  "jeg accepterer",
  "forstået",
  "godkend",
  "godkend alle",
];

/** Labels that refuse (or put off) consent: "Continue without accepting" says "accepting" but refuses. */
const REFUSE =
  /(?<!\p{L})(reject|decline|refuse|deny|denegar|disagree|do not accept|don't accept|do not agree|don't agree|do not consent|without (?:accepting|agreeing|consenting)|sin aceptar|sans accepter|ohne zustimmung|do not sell|don't sell|rejeter|weiger\p{L}*|odrzucenie|rebutja\p{L}*|no,? thank you|zonder akkoord|verweigern|zurückziehen|ohne (?:\p{L}+ ){0,3}(?:zu )?akzeptieren|no,? gracias|liever niet|minimale cookies|strictly necessary|lehne ab|withdraw|revoke|widerrufen|zurücksetzen|beperkt toestaan|zonder (?:te )?accepteren|ohne (?:zu )?(?:akzeptieren|zustimmen|einwilligung)|senza accettare|sem aceitar|bez akceptacji|no,? thanks|nein,? danke|non merci|nee,? bedankt|rechazarlas|odmowa|odmów|odrzuć wszystkie|(?:accept|allow|use|annehmen|akzeptieren|aceptar|accepter|autoriser|accetta|aceitar|accepteren|toestaan|akceptuj) (?:only )?(?:the )?(?:strictly )?(?:necessary|essential|required|nécessaires|essentiels|necesarias|esenciales|necessarie|necessários|noodzakelijke|niezbędne)(?: cookies)?(?: only)?|(?:technisch )?(?:notwendige|essenzielle|essentielle|erforderliche)(?: cookies)? (?:annehmen|akzeptieren|zulassen|erlauben)|alleen noodzakelijk\w*|only (?:use )?(?:strictly )?(?:necessary|essential|required)|(?:strictly )?(?:necessary|essential|required|functional)(?: cookies)? only|opt[ -]out|rechazar|rechazo|no acepto|solo necesarias|refuser|tout refuser|continuer sans accepter|ablehnen|alle ablehnen|nur (?:technisch )?(?:notwendige|essenzielle|erforderliche)|rifiuta|rifiuto|rifiuta tutto|continua senza accettare|solo (?:necessari|tecnici)|apenas (?:os )?(?:necessários|essenciais)|tylko niezbędne|rejeitar|recusar|weigeren|alles weigeren|afwijzen|alleen (?:noodzakelijke|functionele|essentiële)|odrzuć|odrzucam|nie zgadzam|avvisa|avböj|neka|endast nödvändiga|afvis|afvis alle|kun nødvendige)(?!\p{L})/iu;

/** Refusing only some cookies: "Accept only necessary", "Nur funktionale Cookies akzeptieren". */
const ONLY_NECESSARY =
  /(?<!\p{L})(?:only|solo|sólo|uniquement|seulement|nur|apenas|somente|alleen|tylko|endast|kun)(?!\p{L}).*(?:vereist|wesentlich|necess|necesar|nécess|essen|esenc|requir|técnic|tecnic|functional|funcional|funktional|fonctionnel|notwendig|erforderlich|noodzakelijk|niezbędn|nödvändig|nødvendig|strictly|strictement)|(?:necess|essen|requir|notwendig|noodzakelijk)\S* (?:cookies )?only|(?:accept\p{L}*|allow|annehmen|akzeptieren|aceptar|accepter|autoriser|toestaan|erlauben) (?:\p{L}+ ){0,2}(?:necess|nécess|essen|noodzakelijk|vereist|erforderlich|notwendig|wesentlich|basic|functione|funktionell|technisch|minimal)|(?:vereist|noodzakelijk|basis|basic|notwendig|essenziell|essentiële|funktionell|technisch|minimal)\p{L}* (?:cookies )?(?:accepteren|toestaan|akzeptieren|annehmen|zustimmen|zulassen|erlauben)|^(?:accept|allow)\S* .* only$|(?:niet|nicht) (?:toestaan|accepteren|akzeptieren|erlauben|zulassen)$|(?:accept|allow|accepter|aceptar|autoriser)\S* (?:les |the |las )?(?:cookies )?(?:strictly |strictement |estrictamente )(?:necess|nécess|necesar)/u;

/** A grant word negated: "Nicht zustimmen", "No aceptar", "Ne pas accepter et fermer", "Don't enable". */
const NEGATED_GRANT =
  /(?<!\p{L})(?:no|not|do not|don't|dont|nicht|nichts|keine|geen|aucun|ne pas|não|nie|niet|non|nein)\s+(?:\p{L}+\s+){0,2}(?:accept|aceptar|accepter|zustimmen|einverstanden|aceitar|akceptuj|accepteren|akkoord|accetta|agree|allow|enable|permitir|autoriser|erlauben|zulassen|akzeptieren|toestaan)/u;

/** Granting some kinds only ("Nur Statistik erlauben", "Statistische Cookies akzeptieren"): neither all nor none. */
const PARTIAL_GRANT =
  /(?<!\p{L})(?:only|nur|seulement|uniquement|solo|alleen|statisti\p{L}*|analyti\p{L}*|marketing\p{L}*|ausgewählte|selected)(?!\p{L})/u;

/** Refusing by paying or subscribing (a "pay or OK" wall): not a refusal a crawler can give. */
const PAY =
  /(?<!\p{L})(?:pay|paga|pagar|payer|zahlen|bezahlen|subscri\w*|suscrib\w*|s'?abonn\w*|abonn\w*|ad-free|sans pub|werbefrei)(?!\p{L})|purchase|create account|[€$£]/u;

/** Not an answer at all: a link about one's rights, or a sentence about what one could refuse. */
const NOT_AN_ANSWER = /(?<!\p{L})(?:rights|find out|learn more|read more|policy|page)(?!\p{L})/u;

/** Settings offered beside a refusal in one control: "Einstellungen oder ablehnen", "Manage or reject". */
const SETTINGS_OR_REFUSE =
  /(?<!\p{L})(?:or|oder|ou|o|of|lub|eller|and|und|et|y|e|en)(?!\p{L})|opt[ -]out preferences/u;

/** Labels that open a banner's settings, which a reject may need and an ignore must not touch. */
const SETTINGS =
  /(?<!\p{L})(settings|preferences|customi[sz]e|manage|options|more options|purposes|details|choices|configur|\p{L}*einstellungen|einstellen|aanpassen|opciones|dostosuj|szczegół\p{L}*|opcji|spersonalizuj|personalizuj|anpassen|verwalten|préférences|paramètres|paramétrer|gérer|personnaliser|gestionar|gestisci|gerir|beheren|zarządzaj|hantera|administrer|tilpas|preferencias|configuración|personalizar|impostazioni|preferenze|personalizza|definições|preferências|instellingen|voorkeuren|ustawienia|preferencje|inställningar|indstillinger)/iu;

/**
 * Labels that save the choices made in a banner's settings: what they grant depends on the toggles,
 * so a crawler that refuses saves only with every toggle off. "Accept selected" saves, it does not grant all.
 */
const SAVE =
  /(?<!\p{L})(save|confirm (?:my |the )?(?:choices?|selection|preferences|settings)|confirm|submit (?:my )?preferences|accept (?:selected|selection|my choices)|allow selection|speichern|auswahl (?:speichern|bestätigen|akzeptieren)|bestätigen|enregistrer|valider|confirmer|guardar|confirmar|salva|conferma|salvar|opslaan|bevestig|keuze opslaan|zapisz|potwierdź|spara|bekräfta|gem|bekræft)(?!\p{L})/iu;

/** Labels that close a dialog without answering it: the site may read closing as consent. */
const CLOSE =
  /^(?:[×✕✖xX]|close|dismiss|close banner|close dialog|schließen|fermer|cerrar|chiudi|fechar|sluiten|zamknij|stäng|luk)$/iu;

const GRANTS = new Set(GRANT);

const GRANT_WORD =
  /(?<!\p{L})(accept|acceptar|accepta|akzeptiere|de acuerdo|akkoord|zgadzam|potwierdzam wszystkie|continue using cookies|continue with all|im ok with that|jaccepte|accepteer|zustimmung|einwilligung|einwilligen|akceptuję|consent to|alle auswählen|recommended cookies|agree|allow|i consent|aceptar|acepto|permitir|consentir|accepter|j'accepte|autoriser|akzeptieren|zustimmen|annehmen|zulassen|erlauben|einverstanden|consenti|toestaan|zezwól|accetta|accetto|aceitar|aceito|accepteren|akceptuj|zaakceptuj|acceptera|godkänn|tillåt|acceptér|tillad)(?!\p{L})/u;

/** Cleans a control's label for matching: lowercased, spaces folded, surrounding punctuation dropped. */
export function normaliseLabel(label: string): string {
  return label
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/^[\s"'“”«»✓✔×x!.,:;()-]+|[\s"'“”«»!.,:;()-]+$/g, "")
    .trim();
}

export type ConsentAnswer = "grant" | "refuse" | "settings" | "save" | "close";

/** What clicking a control with this label does to a consent question, judged by its words. */
export function consentAnswer(label: string): ConsentAnswer | null {
  const raw = label.trim();
  if (CLOSE.test(raw)) return "close";
  const text = normaliseLabel(label);
  if (!text || text.length > 80) return null;
  if (/^(?:no|nein|non|nee|nie|não|nej)$/u.test(text)) return "refuse";
  const refuses = REFUSE.test(text) || ONLY_NECESSARY.test(text) || NEGATED_GRANT.test(text);
  if (refuses && (PAY.test(text) || NOT_AN_ANSWER.test(text))) return null;
  // "Settings or reject", "Settings reject accept" (several controls read as one): not a refusal.
  const settingsAt = text.search(SETTINGS);
  if (refuses && settingsAt >= 0 && (SETTINGS_OR_REFUSE.test(text) || settingsAt < text.search(REFUSE)))
    return "settings";
  if (refuses) return "refuse";
  if (PARTIAL_GRANT.test(text) && GRANT_WORD.test(text)) return null;
  if (GRANTS.has(text)) return "grant";
  if (SAVE.test(text)) return "save";
  // "Accept all cookies and continue", "Alle Cookies akzeptieren": a grant word leading a short label.
  if (
    /^(accept|agree|allow|aceptar|acepto|accepter|j'accepte|tout accepter|akzeptieren|alle akzeptieren|alle cookies akzeptieren|zustimmen|accetta|accetto|aceitar|accepteren|alle cookies accepteren|akceptuj|zaakceptuj|acceptera|godkänn|accepter|acceptér|tillad)(?!\p{L})/u.test(
      text,
    )
  )
    return "grant";
  if (SETTINGS.test(text)) return "settings";
  // "OK, accept all", "Yes, accept cookies": a grant word in a short label that refuses nothing.
  if (text.split(" ").length <= 6 && GRANT_WORD.test(text)) return "grant";
  return null;
}
