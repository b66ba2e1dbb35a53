# Баспа нысандарының мәтіндері. Тұжырымдар seed 000/001 үлгілері бойынша (research/seed-001.md §2.6, §3.5, §4.5).
# Үлгісі жоқ мәтіндер регламенттердің мағынасы бойынша жазылды және unverified деп белгіленді.

doc-unique-number = Бірегей нөмір
doc-date = Күні
doc-application-ref = { $date } № { $number } өтінішке
doc-iin = ЖСН
doc-address = Мекенжайы
doc-phone = Телефон
doc-service = Мемлекеттік қызмет
doc-applicant = Өтініш беруші
doc-to = Кімге
doc-from = Кімнен
doc-channel = Өтініш беру тәсілі
doc-accepted-at = Қабылданған күні мен уақыты
doc-due = Нәтиже беру мерзімі
doc-full-name = Т.А.Ә.
doc-period = Кезең
doc-head = Бөлім бастығы
doc-specialist = Маман
doc-received-by = Қабылдаған
doc-akim = Ауылдық округ әкімі
doc-akim-specialist = Әкім аппаратының маманы

## Тақырыптар
# unverified: қолхат атауы үлгіде жоқ
doc-title-receipt = Құжаттарды қабылдау туралы қолхат
doc-title-unemployed_certificate = Жұмыссыздық ретінде тіркеу туралы анықтама
doc-title-asp_assignment_notice = Мемлекеттік атаулы әлеуметтік көмек тағайындау туралы ескерту
doc-title-asp_refusal_notice = Мемлекеттік атаулы әлеуметтік көмек тағайындаудан бас тарту туралы ескерту
# unverified: «хабарландыру» seed 001 L624, L1144
doc-title-child_benefit_notice = Он сегіз жасқа дейінгі балаларға мемлекеттік жәрдемақы тағайындау туралы хабарландыру
doc-title-disabled_children_notice = Үйде оқитын және тәрбиеленетін мүгедек балаларды материалдық қамтамасыз ету үшін құжаттарды рәсімдеу туралы хабарландыру
# unverified
doc-title-asp_membership_certificate = Өтініш берушінің (отбасының) атаулы әлеуметтік көмек алушыларға жататынын растайтын анықтама
# unverified
doc-title-asp_membership_certificate-not = Өтініш берушінің (отбасының) атаулы әлеуметтік көмек алушыларға жатпайтыны туралы анықтама
# unverified
doc-title-employment_referral = Жұмыспен қамтуға жәрдемдесудің белсенді шараларына қатысуға жолдама
# unverified
doc-title-special_services_notice = Арнаулы әлеуметтік қызметтер көрсетуге құжаттарды рәсімдеу туралы хабарландыру
# unverified
doc-title-fuel_assistance_notice = Отын сатып алуға әлеуметтік көмек тағайындау туралы хабарландыру
# unverified
doc-title-job_seeker_registration_notice = Жұмыс іздеуші ретінде тіркеу туралы хабарландыру
# unverified
doc-title-unemployed_registration_notice = Жұмыссыз ретінде тіркеу туралы хабарландыру
doc-title-motivated_refusal = Мемлекеттік қызмет көрсетуден дәлелді бас тарту
# unverified: «қызмет көрсету кезеңін созу» seed 001 L1038, «хабарландыру» L624
doc-title-extension_notice = Мемлекеттік қызмет көрсету кезеңін созу туралы хабарландыру
# unverified
doc-title-akim_cover_letter = Ілеспе хат
doc-title-journal_page = Тіркеу журналы
# unverified
doc-title-period_report = Мемлекеттік қызметтер көрсету туралы кезеңдік есеп

## Қолхат (unverified: үлгі жоқ)
doc-received-documents = Қабылданған құжаттар
doc-col-document = Құжаттың атауы
doc-col-mandatory = Міндетті
doc-col-scans = Сканерлік көшірме
doc-missing-reason = Құжаттардың жоқ болу себебі
doc-receipt-status-hint = Өтініштің орындалу барысын бөлімнен { $number } нөмірі бойынша білуге болады; өтініш ХҚКО немесе портал арқылы берілсе, мәртебесі («Түскен», «Жұмыста», «Орындалған») сонда да көрінеді.

## Жұмыссызға анықтама (seed 001 L405–L462)
doc-unemployed-registered = Халықтың жұмыстылығы туралы Қазақстан Республикасы Заңының 15 бабына сәйкес, жұмыссыз ретінде тіркелген
doc-unemployed-public-works = Қоғамдық, әлеуметтік жұмыстарға қатысуы
doc-unemployed-training = Кәсіби даярлаудан, біліктілігін арттыру және қайта даярлықтан, жастар практикасынан өтті
doc-unemployed-asp-housing = Атаулы әлеуметтік көмек, тұрғын үй көмегі тағайындалды
doc-unemployed-presented-to = Анықтама ұсыну үшін берілген
doc-unemployed-applied-on = Анықтаманы алуға өтініш берілген күні

## АӘК (seed 001 L1012–L1064)
doc-family-number = Отбасының тіркелген №
doc-asp-statement = Отбасыңызға, құрамында { $size } адамы бар, Сізге мемлекеттік атаулы әлеуметтік көмек { $from } бастап { $to } дейін, айына { $amount } мөлшерінде тағайындалғанын хабарлаймыз.
doc-refusal-statement = Сізге «{ $service }» мемлекеттік қызметін көрсетуден бас тартылғанын хабарлаймыз.
doc-refusal-reason = Бас тартудың себебі
doc-commission-conclusion = Комиссияның қорытындысы
# unverified
doc-appeal-right = Өтініш берушінің шағым беру құқығы: шешімге Қазақстан Республикасының заңнамасында белгіленген тәртіппен жоғары тұрған мемлекеттік органға немесе сотқа шағым жасалуы мүмкін.

## Мүгедек балалар (seed 001 L1391–L1425)
doc-disabled-statement = Құрметті { $applicant }! Сіздің үйде оқитын және тәрбиеленетін мүгедек балаңызға ({ $child }) материалдық қамтамасыз етудің тағайындалғанын ескертеміз, { $from } бастап { $to } дейін тоқсанына { $amount } мөлшерінде.
doc-payments = Төлемдер
doc-col-quarter = Тоқсан
doc-col-year = Жыл
doc-col-payment = Төлемнің мөлшері
doc-disabled-instruction = Материалдық қамтамасыз етуді алу үшін Сізге жұмыспен қамту және әлеуметтік бағдарламалар бөліміне өтініш жасау қажет екендігін хабарлаймыз.

## АӘК алушыларға жататыны туралы анықтама (unverified)
doc-membership-yes = Осы анықтама { $name } және оның отбасының атаулы әлеуметтік көмек алушыларға жататынын растайды.
doc-membership-no = Осы анықтама { $name } және оның отбасының атаулы әлеуметтік көмек алушыларға жатпайтынын растайды.

## Жолдама мен хабарламалар (unverified)
doc-referral-type = Жолдаманың түрі
doc-statement-child_benefit_notice = Он сегіз жасқа дейінгі балаларға мемлекеттік жәрдемақының төмендегі шарттармен тағайындалғанын хабарлаймыз.
doc-statement-special_services_notice = Арнаулы әлеуметтік қызметтер көрсетуге құжаттардың рәсімделгенін хабарлаймыз. Қызмет көрсету мерзімі төменде көрсетілген.
doc-statement-fuel_assistance_notice = Отын сатып алуға әлеуметтік көмектің тағайындалғанын хабарлаймыз.
doc-statement-job_seeker_registration_notice = Сіздің жұмыс іздеуші ретінде тіркелгеніңізді хабарлаймыз.
doc-statement-unemployed_registration_notice = Сіздің жұмыссыз ретінде тіркелгеніңізді хабарлаймыз.
# unverified: «қызмет көрсету кезеңін созу» seed 001 L1038
doc-extension-statement = Өтінішіңіз бойынша мемлекеттік қызмет көрсету кезеңі { $new } дейін созылғанын хабарлаймыз (бұрынғы мерзімі: { $previous }).
doc-extension-reason = Ұзартудың негізі
# unverified
doc-cover-statement = Азаматтың өтінішін қоса берілген құжаттарымен қарау және шешім қабылдау үшін жолдаймыз.
doc-enclosed = Қосымша

## Журнал және есеп
doc-journal = Журнал
doc-journal-in = кіріс өтініштерін тіркеу
doc-journal-out = шығыс құжаттарын тіркеу
doc-journal-empty = Кезең ішінде жазба жоқ.
doc-col-number = Тіркеу нөмірі
doc-col-date = Күні
doc-col-applicant = Өтініш беруші
doc-col-service = Қызмет
doc-col-due = Мерзімі
doc-col-status = Мәртебесі
doc-col-user = Қабылдаған
doc-col-total = Барлығы
doc-col-late = Кешігу, жұм. күн
doc-col-executor = Орындаушы
doc-col-question = Сұрақ
doc-overdue-list = Мерзімі өткен өтініштер
doc-overdue-none = Мерзімі өткен өтініштер жоқ.
doc-questionnaire = Сапаны бағалау сауалнамасы (регламенттердің 3-қосымшасы)
# unverified: сұрақтардың толық мәтіні seed 001 L351–L375 бойынша мағыналас
q-question-1 = Қызмет көрсету үдерісінің сапасына қанағаттанасыз ба?
q-question-2 = Лауазымды адамдардың әрекетіне (әрекетсіздігіне) шағымдану тәртібіне қанағаттанасыз ба?
q-answer-1 = қанағаттанған жоқпын
q-answer-2 = ішінара қанағаттанамын
q-answer-3 = қанағаттанамын

## Төменгі бөлік (seed 001 L395–L399, түзетілген мәтіндер)
doc-seal = ЭЦҚ-мен қол қойылған
doc-clause-equivalence = Осы құжат «Электрондық құжат және электрондық цифрлық қолтаңба туралы» 2003 жылғы 7 қаңтардағы № 370-II ҚРЗ 7-бабының 1-тармағына сәйкес қағаз тасығыштағы құжатқа тең.
# unverified: seed 001 L398 бойынша, жүйенің атауы ауыстырылды
doc-clause-qr = *Штрих-код «mio-desk» ақпараттық жүйесі (МИО қызметкерінің автоматтандырылған жұмыс орны) ұсынған және электрондық цифрлық қолтаңбамен қол қойылған деректерді қамтиды ({ $office }).
doc-verify-hint = Тексеру: «mio-desk verify» немесе «Құжатты тексеру» экраны
doc-asp-refusal-statement = Құрметті { $name }, Сізге мемлекеттік атаулы әлеуметтік көмек тағайындалмағанын ескертеміз.
doc-refusal-statement-unemployed_certificate = Сізге, жұмыссыз ретінде тіркелген туралы анықтама беруден бас тартылғандығын жеткіземіз.
doc-refusal-reason-unemployed_certificate = Бас тартылған себебі
# unverified
doc-refusal-comment = Түсініктеме
# unverified
doc-page-of = бет { $i } / { $n }
