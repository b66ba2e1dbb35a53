//! The fixed phrases of every form the seeds give, compared with the seed text: each phrase is
//! in the locale message the template prints, and in the seed excerpt it comes from; each
//! excerpt is checked against the seed file itself when the steering folder's `shared/seeds` is
//! beside the repository or one of its parents (as on the developers' machines and in CI).

use crate::domain::model::Lang;
use crate::i18n::{Arg, tra};

/// A message with every placeable filled by a blank (a form's empty line).
fn message(lang: Lang, key: &str) -> String {
    let names = [
        "office",
        "size",
        "from",
        "to",
        "amount",
        "name",
        "applicant",
        "child",
        "service",
        "previous",
        "new",
        "number",
        "date",
        "signer",
        "serial",
        "i",
        "n",
    ];
    let args: Vec<(&str, Arg<'_>)> = names.iter().map(|n| (*n, Arg::from("_____"))).collect();
    tra(lang, key, &args)
}

/// Lower case, one space between words, one kind of quotes and dashes, no markdown escapes.
fn norm(s: &str) -> String {
    let s = s
        .replace("\\_", "_")
        .replace(['«', '»', '“', '”', '„'], "\"")
        .replace(['–', '—'], "-")
        .to_lowercase();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One fixed phrase of a form: the form, the language, the locale key that prints it, the
/// phrase, and the seed text it comes from (seed 001, the forms of annexes 4–5).
struct Phrase {
    form: &'static str,
    lang: Lang,
    key: &'static str,
    phrase: &'static str,
    seed: &'static str,
}

const fn p(
    form: &'static str,
    lang: Lang,
    key: &'static str,
    phrase: &'static str,
    seed: &'static str,
) -> Phrase {
    Phrase {
        form,
        lang,
        key,
        phrase,
        seed,
    }
}

const KK: Lang = Lang::Kk;
const RU: Lang = Lang::Ru;

const PHRASES: &[Phrase] = &[
    // Every form: the header and the clauses (seed 001 L386, L395–L399).
    p(
        "all",
        KK,
        "doc-unique-number",
        "Бірегей нөмір",
        "e.gov	Бірегей нөмір Уникальный номер	000000000003263",
    ),
    p(
        "all",
        RU,
        "doc-unique-number",
        "Уникальный номер",
        "e.gov	Бірегей нөмір Уникальный номер	000000000003263",
    ),
    p(
        "all",
        KK,
        "doc-clause-equivalence",
        "2003 жылғы 7 қаңтардағы",
        "Осы құжат «Электрондық құжат және электрондық цифралық қолтанба туралы» 2003 жылғы 7 қаңтардағы № 370 -І ҚПЗ 7-бабының 1-тармағына сәйкес қағаз тасығыштағы құжатқа тең.",
    ),
    p(
        "all",
        KK,
        "doc-clause-equivalence",
        "7-бабының 1-тармағына сәйкес қағаз тасығыштағы құжатқа тең.",
        "Осы құжат «Электрондық құжат және электрондық цифралық қолтанба туралы» 2003 жылғы 7 қаңтардағы № 370 -І ҚПЗ 7-бабының 1-тармағына сәйкес қағаз тасығыштағы құжатқа тең.",
    ),
    p(
        "all",
        RU,
        "doc-clause-equivalence",
        "Данный документ согласно пункту 1 статьи 7 ЗРК от 7 января 2003 года «Об электронном документе и электронной цифровой подписи» равнозначен документу на бумажном носителе.",
        "Данный документ согласно пункту 1 статьи 7 ЗРК от 7 января 2003 года «Об электронном документе и электронной цифровой подписи» равнозначен документу на бумажном носителе.",
    ),
    p(
        "all",
        KK,
        "doc-clause-qr",
        "ұсынған және электрондық",
        "*Штрих-код «Электрондық әкімдік ақпараттық жүйесі ұсынған және электрондық қолтанбаның қол қойылған деректерді қамтиды",
    ),
    p(
        "all",
        KK,
        "doc-clause-qr",
        "қол қойылған деректерді қамтиды",
        "*Штрих-код «Электрондық әкімдік ақпараттық жүйесі ұсынған және электрондық қолтанбаның қол қойылған деректерді қамтиды",
    ),
    p(
        "all",
        RU,
        "doc-clause-qr",
        "*Штрих-код содержит данные, предоставленные",
        "*Штрих-код содержит данные, предоставленные электронной системой «Электронный акимат» и подписанные электронно-цифровой подписью",
    ),
    // Certificate of registration as unemployed (annex 5 of service 1).
    p(
        "unemployed_certificate",
        KK,
        "doc-title-unemployed_certificate",
        "Жұмыссыздық ретінде тіркеу туралы",
        "**ЖҰМЫССЫЗДЫҚ РЕТІНДЕ ТІРКЕУ ТУРАЛЫ АН Ы Қ Т А М А",
    ),
    p(
        "unemployed_certificate",
        RU,
        "doc-title-unemployed_certificate",
        "о регистрации в качестве безработного",
        "С П Р А В К А О РЕГИСТРАЦИИ В КАЧЕСТВЕ БЕЗРАБОТНОГО",
    ),
    p(
        "unemployed_certificate",
        KK,
        "doc-unemployed-registered",
        "Халықтың жұмыстылығы туралы Қазақстан Республикасы Заңының 15 бабына сәйкес, жұмыссыз ретінде тіркелген",
        "Халықтың жұмыстылығы туралы Қазақстан Республикасы Заңының 15 бабына сәйкес, жұмыссыз ретінде тіркелген:",
    ),
    p(
        "unemployed_certificate",
        RU,
        "doc-unemployed-registered",
        "В соответствии со ст.15 Закона Республики Казахстан «О занятости населения» зарегистрирован безработным",
        "В соответствии со ст.15 Закона Республики Казахстан \"О занятости населения\" зарегистрирован безработным:",
    ),
    p(
        "unemployed_certificate",
        KK,
        "doc-unemployed-public-works",
        "Қоғамдық, әлеуметтік жұмыстарға қатысуы",
        "Қоғамдық, әлеуметтік жұмыстарға қатысуы:",
    ),
    p(
        "unemployed_certificate",
        RU,
        "doc-unemployed-public-works",
        "Участие в общественных, социальных работах",
        "Участие в общественных, социальных работах:",
    ),
    p(
        "unemployed_certificate",
        KK,
        "doc-unemployed-training",
        "Кәсіби даярлаудан, біліктілігін арттыру және қайта даярлықтан, жастар практикасынан өтті",
        "Кәсіби даярлаудан, біліктілігін арттыру және қайта даярлықтан, жастар практикасынан өтті:",
    ),
    p(
        "unemployed_certificate",
        RU,
        "doc-unemployed-training",
        "Прошел профессиональную подготовку, повышение квалификации и переподготовку, молодежную практику",
        "Прошел профессиональную подготовку, повышение квалификации и переподготовку, молодежную практику:",
    ),
    p(
        "unemployed_certificate",
        KK,
        "doc-unemployed-asp-housing",
        "Атаулы әлеуметтік көмек, тұрғын үй көмегі тағайындалды",
        "Атаулы әлеуметтік көмек, тұрғын үй көмегі тағайындалды:",
    ),
    p(
        "unemployed_certificate",
        RU,
        "doc-unemployed-asp-housing",
        "Назначен(а) адресная социальная помощь, жилищная помощь",
        "Назначен(а) адресная социальная помощь, жилищная помощь:",
    ),
    p(
        "unemployed_certificate",
        KK,
        "doc-unemployed-presented-to",
        "ұсыну үшін берілген",
        "ұсыну үшін берілген",
    ),
    p(
        "unemployed_certificate",
        RU,
        "doc-unemployed-presented-to",
        "Справка дана для предъявления",
        "Справка дана для предъявления:",
    ),
    p(
        "unemployed_certificate",
        KK,
        "doc-unemployed-applied-on",
        "Анықтаманы алуға өтініш берілген күні",
        "Анықтаманы алуға өтініш берілген күні: 10.03.2011",
    ),
    p(
        "unemployed_certificate",
        RU,
        "doc-unemployed-applied-on",
        "Дата подачи заявления на получение справки",
        "Дата подачи заявления на получение справки: \\_\\_\\_\\_\\_",
    ),
    p(
        "unemployed_certificate",
        KK,
        "doc-head",
        "Бөлім бастығы",
        "Бөлім бастығы: Андреев Александр Иванович",
    ),
    p(
        "unemployed_certificate",
        RU,
        "doc-head",
        "Начальник отдела",
        "Начальник отдела: \\_\\_\\_\\_\\_",
    ),
    p(
        "unemployed_certificate",
        KK,
        "doc-specialist",
        "Маман",
        "Маман: : Азиев",
    ),
    // The refusal of the certificate (service 1, negative answer).
    p(
        "unemployed_refusal",
        KK,
        "doc-to",
        "Кімге",
        "Кімге: Салова Алеся Владимировна",
    ),
    p(
        "unemployed_refusal",
        KK,
        "doc-refusal-statement-unemployed_certificate",
        "Сізге, жұмыссыз ретінде тіркелген туралы анықтама беруден бас тартылғандығын жеткіземіз",
        "Сізге, жұмыссыз ретінде тіркелген туралы анықтама беруден бас тартылғандығын жеткіземіз",
    ),
    p(
        "unemployed_refusal",
        KK,
        "doc-refusal-reason-unemployed_certificate",
        "Бас тартылған себебі",
        "Бас тартылған себебі \\_\\_\\_\\_\\_",
    ),
    // АСП assignment notice (annex 5 of service 2).
    p(
        "asp_assignment",
        KK,
        "doc-family-number",
        "Отбасының тіркелген №",
        "Отбасының тіркелген №	-----",
    ),
    p(
        "asp_assignment",
        KK,
        "doc-asp-statement",
        "Отбасыңызға, құрамында",
        "Отбасыңызға, құрамында _____ адамы бар, Сізге мемлекеттік атаулы әлеуметтік көмек _____",
    ),
    p(
        "asp_assignment",
        KK,
        "doc-asp-statement",
        "адамы бар, Сізге мемлекеттік атаулы әлеуметтік көмек",
        "Отбасыңызға, құрамында _____ адамы бар, Сізге мемлекеттік атаулы әлеуметтік көмек _____",
    ),
    p(
        "asp_assignment",
        KK,
        "doc-asp-statement",
        "бастап",
        "_____ бастап _____ дейін, мөлшері _____ тенге",
    ),
    p(
        "asp_assignment",
        KK,
        "doc-asp-statement",
        "дейін,",
        "_____ бастап _____ дейін, мөлшері _____ тенге",
    ),
    p(
        "asp_assignment",
        KK,
        "doc-asp-statement",
        "хабарлаймыз.",
        "тағайындалған хабарлаймыз.",
    ),
    p(
        "asp_assignment",
        KK,
        "doc-applicant",
        "Өтініш беруші",
        "Өтініш беруші	-----",
    ),
    // АСП refusal (the free-form sample of service 2).
    p(
        "asp_refusal",
        KK,
        "doc-asp-refusal-statement",
        "Құрметті",
        "Құрметті _____, Сізге мемлекеттік атулы әлеуметтік көмек тағайындалмағанын ескертеміз.",
    ),
    p(
        "asp_refusal",
        KK,
        "doc-asp-refusal-statement",
        "әлеуметтік көмек тағайындалмағанын ескертеміз.",
        "Құрметті _____, Сізге мемлекеттік атулы әлеуметтік көмек тағайындалмағанын ескертеміз.",
    ),
    p(
        "asp_refusal",
        KK,
        "doc-refusal-reason",
        "Бас тартудың себебі",
        "Бас тартудың себебі _____",
    ),
    p(
        "asp_refusal",
        KK,
        "doc-appeal-right",
        "шағым беру құқығы",
        "Өтініш	берушінің	шағым беру құқығы _____",
    ),
    // Material support of disabled children (annex 5 of service 3).
    p(
        "disabled_children",
        KK,
        "doc-disabled-statement",
        "материалдық қамтамасыз етудің тағайындалғанын ескертеміз,",
        "материалдық қамтамасыз етудің тағайындалғанын ескертеміз, \\_\\_\\_\\_\\_ бастап \\_\\_\\_\\_\\_ дейін \\_\\_\\_\\_\\_ мөлшерінде.",
    ),
    p(
        "disabled_children",
        KK,
        "doc-disabled-statement",
        "мөлшерінде.",
        "материалдық қамтамасыз етудің тағайындалғанын ескертеміз, \\_\\_\\_\\_\\_ бастап \\_\\_\\_\\_\\_ дейін \\_\\_\\_\\_\\_ мөлшерінде.",
    ),
    p(
        "disabled_children",
        KK,
        "doc-col-payment",
        "Төлемнің мөлшері",
        "№	Тоқсан	Жыл	Төлемнің мөлшері",
    ),
    p(
        "disabled_children",
        KK,
        "doc-col-quarter",
        "Тоқсан",
        "№	Тоқсан	Жыл	Төлемнің мөлшері",
    ),
    p(
        "disabled_children",
        KK,
        "doc-disabled-instruction",
        "Материалдық қамтамасыз етуді алу үшін Сізге жұмыспен қамту және әлеуметтік бағдарламалар бөліміне өтініш жасау қажет екендігін хабарлаймыз",
        "Материалдық қамтамасыз етуді алу үшін Сізге жұмыспен қамту және әлеуметтік бағдарламалар бөліміне өтініш жасау қажет екендігін хабарлаймыз",
    ),
    p(
        "disabled_children",
        KK,
        "doc-title-disabled_children_notice",
        "туралы хабарландыру",
        "туралы хабарландыру, немесе мемлекеттік қызмет көрсетуден бас тарту туралы дәлелделген жауап",
    ),
    // The extension notice: the seeds' word for extending the service.
    p(
        "extension",
        KK,
        "doc-title-extension_notice",
        "қызмет көрсету кезеңін соз",
        "Өтініштің орындалу статусы өзгерген сайын немесе қызмет көрсету кезеңін созғанда ескертулер беріледі.",
    ),
];

#[test]
fn every_fixed_phrase_is_the_seeds() {
    // The steering folder's seeds, beside the repository or one of its parents.
    let seed_file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find_map(|a| a.join("shared/seeds").read_dir().ok())
        .and_then(|mut d| {
            d.find_map(|e| {
                let e = e.ok()?;
                e.file_name()
                    .to_string_lossy()
                    .starts_with("001_")
                    .then(|| std::fs::read_to_string(e.path()).ok())
                    .flatten()
            })
        })
        .map(|s| norm(&s));
    let mut wrong = Vec::new();
    let mut forms = std::collections::BTreeSet::new();
    for x in PHRASES {
        forms.insert(x.form);
        let message = norm(&message(x.lang, x.key));
        let phrase = norm(x.phrase);
        let seed = norm(x.seed);
        if !message.contains(&phrase) {
            wrong.push(format!(
                "{} {:?} {}: «{}» not in the message «{}»",
                x.form, x.lang, x.key, x.phrase, message
            ));
        }
        if !seed.contains(&phrase) {
            wrong.push(format!(
                "{} {}: «{}» not in its seed excerpt",
                x.form, x.key, x.phrase
            ));
        }
        if let Some(file) = &seed_file
            && !file.contains(&seed)
        {
            wrong.push(format!(
                "{}: the excerpt «{}» is not in seed 001",
                x.form, x.seed
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(forms.len() >= 7, "{forms:?}");
}

/// Phrases the issue found on papers that the seeds do not use.
#[test]
fn no_machine_made_kazakh_on_the_papers() {
    for (key, not) in [
        ("doc-title-unemployed_certificate", "Жұмыссыз ретінде"),
        ("doc-unemployed-registered", "жұмыспен қамтылуы туралы"),
        ("doc-unemployed-training", "қайта даярлаудан"),
        ("doc-unemployed-presented-to", "берілді"),
        ("doc-seal", "ЭЦҚ қол қойылған"),
        ("doc-cover-statement", "қарап, шешім"),
        ("doc-clause-qr", "Электрондық әкімдік"),
        ("doc-title-extension_notice", "ұзарту"),
        ("doc-title-disabled_children_notice", "хабарлама"),
        ("doc-title-child_benefit_notice", "хабарлама"),
    ] {
        let m = message(Lang::Kk, key);
        assert!(!m.contains(not), "{key} = {m}");
    }
    assert!(!message(Lang::Ru, "doc-clause-qr").contains("Электронный акимат"));
}
