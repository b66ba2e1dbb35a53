//! Kazakh grammar of filled-in values: the case endings a paper needs on a date, a month, a
//! number or a person's name, chosen by vowel harmony (the last vowel of the word) and by the
//! word's final sound.
//!
//! | case | after a vowel | after м н ң | after ж з л р й у | after a voiceless consonant or б в г д |
//! |---|---|---|---|---|
//! | genitive (ілік) | -ның/-нің | -ның/-нің | -дың/-дің | -тың/-тің |
//! | dative (барыс) | -ға/-ге | -ға/-ге | -ға/-ге | -қа/-ке |
//! | accusative (табыс) | -ны/-ні | -ды/-ді | -ды/-ді | -ты/-ті |
//! | locative (жатыс) | -да/-де | -да/-де | -да/-де | -та/-те |
//! | ablative (шығыс) | -дан/-ден | -нан/-нен | -дан/-ден | -тан/-тен |
//!
//! A number written in digits takes its ending after a hyphen («5-ке», «2026-дан»), by the
//! sound of the number as it is read aloud (бес, екі мың жиырма алты). A phrase takes the
//! ending on its last word («Қасымов Ерлан Серікұлы» → «…Серікұлының»).

use chrono::{Datelike, NaiveDate};

/// The grammatical cases a paper uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Ілік септік: whose («Ерланның»).
    Genitive,
    /// Барыс септік: to, until («маусымға дейін»).
    Dative,
    /// Табыс септік: the direct object («анықтаманы»).
    Accusative,
    /// Жатыс септік: in, on («2026 жылы 5 мамырда»).
    Locative,
    /// Шығыс септік: from («желтоқсаннан бастап»).
    Ablative,
}

/// The months in the nominative, as a Kazakh date prints them.
pub const MONTHS: [&str; 12] = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
];

const BACK: &str = "аоұыяёэАОҰЫЯЁЭ";
const FRONT: &str = "әеөүіЭӘЕӨҮІ";
const VOWELS: &str = "аәеоөұүыіиуюяэёАӘЕОӨҰҮЫІИУЮЯЭЁ";
/// Consonants after which the hard endings (-тың, -қа, -та, -тан) follow; б в г д are devoiced
/// at the end of a word.
const VOICELESS: &str = "кқпстфхһцчшщбвгд";
const NASAL: &str = "мнң";

/// The final sound class that picks an ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Final {
    Vowel,
    Nasal,
    Voiced,
    Voiceless,
}

/// What an ending is chosen by: the word's harmony and its final sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sound {
    front: bool,
    last: Final,
}

fn sound_of_word(word: &str) -> Sound {
    let lower: Vec<char> = word.to_lowercase().chars().collect();
    // Harmony: the last vowel that decides it (и and у are neutral in loanwords; a soft sign
    // makes the word front).
    // A word with none of the letters only Kazakh has is read as a Russian loanword, whose
    // у / ю are the back vowel u (Тимур → Тимурдың); in a Kazakh word they are a glide that
    // takes the harmony of the vowel before it (елу → елуге).
    let kazakh = lower.iter().any(|c| "әғқңөұүһі".contains(*c));
    let mut front = None;
    for c in lower.iter().rev() {
        if BACK.contains(*c) || (!kazakh && (*c == 'у' || *c == 'ю')) {
            front = Some(false);
            break;
        }
        // и in a loanword (Иванович, Дмитрий) is front.
        if FRONT.contains(*c) || *c == 'ь' || *c == 'и' {
            front = Some(true);
            break;
        }
    }
    // Only у / ю (a glide) in a Kazakh word: back.
    let front = front.unwrap_or(false);
    let last_letter = lower
        .iter()
        .rev()
        .find(|c| c.is_alphabetic() && **c != 'ь' && **c != 'ъ')
        .copied();
    let last = match last_letter {
        None => Final::Vowel,
        // й and у close a syllable like a voiced consonant (елу → елуге, елудің, елуден).
        Some('у') | Some('й') => Final::Voiced,
        Some(c) if VOWELS.contains(c) => Final::Vowel,
        Some(c) if NASAL.contains(c) => Final::Nasal,
        Some(c) if VOICELESS.contains(c) => Final::Voiceless,
        Some(_) => Final::Voiced,
    };
    Sound { front, last }
}

/// How a number in digits sounds at its end when read aloud (the last word: бес, жиырма, мың),
/// as (front, final sound) of that word.
fn number_sound(n: u64) -> Sound {
    use Final::*;
    // 0–9 and the tens, each read with its own harmony and last sound.
    const UNITS: [(bool, Final); 10] = [
        (true, Voiced),    // нөл
        (true, Voiced),    // бір
        (true, Vowel),     // екі
        (true, Voiceless), // үш
        (true, Voiceless), // төрт
        (true, Voiceless), // бес
        (false, Vowel),    // алты
        (true, Vowel),     // жеті
        (true, Voiced),    // сегіз
        (false, Voiced),   // тоғыз
    ];
    const TENS: [(bool, Final); 10] = [
        (true, Voiced),     // (unused)
        (false, Nasal),     // он
        (false, Vowel),     // жиырма
        (false, Voiced),    // отыз
        (false, Voiceless), // қырық
        (true, Voiced),     // елу
        (false, Voiceless), // алпыс
        (true, Voiceless),  // жетпіс
        (true, Nasal),      // сексен
        (false, Nasal),     // тоқсан
    ];
    let (front, last) = if n == 0 {
        UNITS[0]
    } else if !n.is_multiple_of(10) {
        UNITS[(n % 10) as usize]
    } else if !n.is_multiple_of(100) {
        TENS[((n / 10) % 10) as usize]
    } else if !n.is_multiple_of(1000) {
        (true, Voiced) // жүз
    } else if !n.is_multiple_of(1_000_000_000) {
        (false, Nasal) // мың, миллион
    } else {
        (false, Voiceless) // миллиард
    };
    Sound { front, last }
}

fn ending(s: Sound, case: Case) -> &'static str {
    use Final::*;
    let f = s.front;
    let pick = |back: &'static str, front: &'static str| if f { front } else { back };
    match (case, s.last) {
        (Case::Genitive, Vowel | Nasal) => pick("ның", "нің"),
        (Case::Genitive, Voiced) => pick("дың", "дің"),
        (Case::Genitive, Voiceless) => pick("тың", "тің"),
        (Case::Dative, Voiceless) => pick("қа", "ке"),
        (Case::Dative, _) => pick("ға", "ге"),
        (Case::Accusative, Vowel) => pick("ны", "ні"),
        (Case::Accusative, Nasal | Voiced) => pick("ды", "ді"),
        (Case::Accusative, Voiceless) => pick("ты", "ті"),
        (Case::Locative, Voiceless) => pick("та", "те"),
        (Case::Locative, _) => pick("да", "де"),
        (Case::Ablative, Nasal) => pick("нан", "нен"),
        (Case::Ablative, Vowel | Voiced) => pick("дан", "ден"),
        (Case::Ablative, Voiceless) => pick("тан", "тен"),
    }
}

/// Words that already carry the third-person possessive (-ы/-і): patronymics in -ұлы / -қызы
/// and «отбасы»; they take -на, -н, -нда, -нан instead of -ға, -ны, -да, -дан.
fn possessive(w: &str) -> bool {
    let l = w.to_lowercase();
    ["ұлы", "қызы", "улы", "кызы"]
        .iter()
        .any(|s| l.ends_with(s) && l.chars().count() > s.chars().count())
        || l == "отбасы"
}

fn possessive_ending(front: bool, case: Case) -> &'static str {
    let pick = |back: &'static str, fr: &'static str| if front { fr } else { back };
    match case {
        Case::Genitive => pick("ның", "нің"),
        Case::Dative => pick("на", "не"),
        Case::Accusative => "н",
        Case::Locative => pick("нда", "нде"),
        Case::Ablative => pick("нан", "нен"),
    }
}

/// One word (or a number in digits) in a case: «желтоқсан» → «желтоқсаннан», «5» → «5-ке».
/// Text that has no letters and no digits is returned as it is.
pub fn word(w: &str, case: Case) -> String {
    let trimmed = w.trim_end_matches(|c: char| !c.is_alphanumeric());
    if trimmed.is_empty() {
        return w.to_string();
    }
    let tail = &w[trimmed.len()..];
    if trimmed.chars().last().is_some_and(|c| c.is_ascii_digit()) {
        let digits: String = trimmed
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let n: u64 = digits.parse().unwrap_or(0);
        let e = ending(number_sound(n), case);
        return format!("{trimmed}-{e}{tail}");
    }
    let mut e = if possessive(trimmed) {
        possessive_ending(sound_of_word(trimmed).front, case)
    } else {
        ending(sound_of_word(trimmed), case)
    }
    .to_string();
    if trimmed
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_uppercase())
        && trimmed.chars().filter(|c| c.is_alphabetic()).count() > 1
    {
        e = e.to_uppercase();
    }
    format!("{trimmed}{e}{tail}")
}

/// A phrase in a case: the ending goes on its last word («Қасымов Ерлан» → «Қасымов Ерланның»).
pub fn phrase(p: &str, case: Case) -> String {
    let p = p.trim_end();
    match p.rfind(char::is_whitespace) {
        Some(i) => format!("{}{}", &p[..=i], word(&p[i + 1..], case)),
        None => word(p, case),
    }
}

/// A month's name in a case: (6, Dative) → «маусымға».
pub fn month(m: u32, case: Option<Case>) -> String {
    let name = MONTHS[(m.clamp(1, 12) - 1) as usize];
    match case {
        Some(c) => word(name, c),
        None => name.to_string(),
    }
}

/// A full date as a paper writes it, with the case on the month: «2026 жылғы 18 желтоқсан»,
/// «2026 жылғы 18 желтоқсаннан», «2027 жылғы 22 маусымға».
pub fn date(d: NaiveDate, case: Option<Case>) -> String {
    format!("{} жылғы {} {}", d.year(), d.day(), month(d.month(), case))
}

/// A person's full name in a case, the ending on the last word: «Қасымов Ерлан Серікұлы» →
/// «Қасымов Ерлан Серікұлының».
pub fn name(full_name: &str, case: Case) -> String {
    phrase(full_name, case)
}

/// The language a free text was written in: Kazakh when it has a letter only Kazakh has
/// (Ә Ғ Қ Ң Ө Ұ Ү Һ І), else Russian. A paper that carries such text in one language only is
/// printed in that language.
pub fn written_in(text: &str) -> super::model::Lang {
    if text.chars().any(|c| "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(c)) {
        super::model::Lang::Kk
    } else {
        super::model::Lang::Ru
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Case::*;

    #[test]
    fn sixty_forms_by_harmony_and_final_sound() {
        let table: &[(&str, Case, &str)] = &[
            // Months: ablative (from) and dative (until) as in «…бастап … дейін».
            ("қаңтар", Ablative, "қаңтардан"),
            ("қаңтар", Dative, "қаңтарға"),
            ("ақпан", Ablative, "ақпаннан"),
            ("ақпан", Dative, "ақпанға"),
            ("наурыз", Ablative, "наурыздан"),
            ("наурыз", Dative, "наурызға"),
            ("сәуір", Ablative, "сәуірден"),
            ("сәуір", Dative, "сәуірге"),
            ("мамыр", Ablative, "мамырдан"),
            ("маусым", Ablative, "маусымнан"),
            ("маусым", Dative, "маусымға"),
            ("маусым", Locative, "маусымда"),
            ("шілде", Ablative, "шілдеден"),
            ("шілде", Dative, "шілдеге"),
            ("шілде", Genitive, "шілденің"),
            ("тамыз", Locative, "тамызда"),
            ("қыркүйек", Ablative, "қыркүйектен"),
            ("қыркүйек", Dative, "қыркүйекке"),
            ("қыркүйек", Locative, "қыркүйекте"),
            ("қазан", Ablative, "қазаннан"),
            ("қараша", Ablative, "қарашадан"),
            ("қараша", Dative, "қарашаға"),
            ("қараша", Locative, "қарашада"),
            ("желтоқсан", Ablative, "желтоқсаннан"),
            ("желтоқсан", Dative, "желтоқсанға"),
            ("желтоқсан", Genitive, "желтоқсанның"),
            // Names: Kazakh and Russian-style surnames, patronymics with -ұлы / -қызы.
            ("Ерлан", Genitive, "Ерланның"),
            ("Ерлан", Dative, "Ерланға"),
            ("Серікұлы", Genitive, "Серікұлының"),
            ("Серікұлы", Dative, "Серікұлына"),
            ("Зиналбекқызы", Genitive, "Зиналбекқызының"),
            ("Қасымов", Genitive, "Қасымовтың"),
            ("Қасымов", Dative, "Қасымовқа"),
            ("Наурызбаева", Genitive, "Наурызбаеваның"),
            ("Гүлшат", Genitive, "Гүлшаттың"),
            ("Гүлшат", Dative, "Гүлшатқа"),
            ("Әлия", Genitive, "Әлияның"),
            ("Айгүл", Genitive, "Айгүлдің"),
            ("Айгүл", Dative, "Айгүлге"),
            ("Нұрлан", Ablative, "Нұрланнан"),
            ("Иванович", Genitive, "Ивановичтің"),
            ("Игорь", Genitive, "Игорьдің"),
            ("Дәурен", Accusative, "Дәуренді"),
            ("Бекзат", Accusative, "Бекзатты"),
            ("Сәуле", Accusative, "Сәулені"),
            ("Мөлдір", Locative, "Мөлдірде"),
            ("Асқар", Ablative, "Асқардан"),
            ("Марат", Ablative, "Мараттан"),
            ("Өмірбек", Ablative, "Өмірбектен"),
            ("Жансерік", Locative, "Жансерікте"),
            // Numbers in digits, read aloud.
            ("1", Dative, "1-ге"),
            ("2", Ablative, "2-ден"),
            ("3", Genitive, "3-тің"),
            ("4", Dative, "4-ке"),
            ("5", Dative, "5-ке"),
            ("6", Ablative, "6-дан"),
            ("7", Genitive, "7-нің"),
            ("8", Locative, "8-де"),
            ("9", Ablative, "9-дан"),
            ("10", Ablative, "10-нан"),
            ("20", Dative, "20-ға"),
            ("30", Locative, "30-да"),
            ("40", Dative, "40-қа"),
            ("50", Genitive, "50-дің"),
            ("60", Locative, "60-та"),
            ("90", Ablative, "90-нан"),
            ("100", Dative, "100-ге"),
            ("2000", Ablative, "2000-нан"),
            ("2026", Ablative, "2026-дан"),
            ("2027", Dative, "2027-ге"),
            ("2030", Locative, "2030-да"),
            ("1000000", Genitive, "1000000-ның"),
            // Common nouns of the papers.
            ("анықтама", Accusative, "анықтаманы"),
            ("бөлім", Genitive, "бөлімнің"),
            ("әкім", Dative, "әкімге"),
            ("отбасы", Dative, "отбасына"),
            ("жыл", Ablative, "жылдан"),
            ("ай", Locative, "айда"),
            ("көру", Dative, "көруге"),
            ("Тимур", Genitive, "Тимурдың"),
            ("Дмитрий", Dative, "Дмитрийге"),
            ("су", Ablative, "судан"),
            ("Серікұлы", Ablative, "Серікұлынан"),
            ("Айжанқызы", Locative, "Айжанқызында"),
            ("отбасы", Accusative, "отбасын"),
        ];
        assert!(table.len() >= 60);
        let mut wrong = Vec::new();
        for (w, c, want) in table {
            let got = word(w, *c);
            if &got != want {
                wrong.push(format!("{w} {c:?}: {got} (want {want})"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn dates_phrases_and_names() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 18).unwrap();
        assert_eq!(date(d, None), "2026 жылғы 18 желтоқсан");
        assert_eq!(date(d, Some(Ablative)), "2026 жылғы 18 желтоқсаннан");
        let e = NaiveDate::from_ymd_opt(2027, 6, 22).unwrap();
        assert_eq!(date(e, Some(Dative)), "2027 жылғы 22 маусымға");
        assert_eq!(month(9, Some(Locative)), "қыркүйекте");
        assert_eq!(
            name("Қасымов Ерлан Серікұлы", Genitive),
            "Қасымов Ерлан Серікұлының"
        );
        assert_eq!(name("НАУРЫЗБАЕВА ГҮЛШАТ", Dative), "НАУРЫЗБАЕВА ГҮЛШАТҚА");
        assert_eq!(
            written_in("Өтініш беруші жұмысқа орналасқан"),
            crate::domain::model::Lang::Kk
        );
        assert_eq!(
            written_in("Запрос сведений в ГБД ФЛ"),
            crate::domain::model::Lang::Ru
        );
        // Punctuation after the word stays after the ending.
        assert_eq!(phrase("Ерлан,", Dative), "Ерланға,");
        assert_eq!(word("—", Dative), "—");
    }
}
