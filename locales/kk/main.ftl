# Қазақ тілі: жалпы сөздер, күндер, қателер.
# Терминдер research/seed-001.md §6 глоссарийімен салыстырылған; расталмағандары «unverified» деп белгіленген.

## Күндер мен сандар
year-of = жылғы
year-gen = жыл
date-from = бастап
month-1 = қаңтар
month-2 = ақпан
month-3 = наурыз
month-4 = сәуір
month-5 = мамыр
month-6 = маусым
month-7 = шілде
month-8 = тамыз
month-9 = қыркүйек
month-10 = қазан
month-11 = қараша
month-12 = желтоқсан
month-gen-1 = қаңтар
month-gen-2 = ақпан
month-gen-3 = наурыз
month-gen-4 = сәуір
month-gen-5 = мамыр
month-gen-6 = маусым
month-gen-7 = шілде
month-gen-8 = тамыз
month-gen-9 = қыркүйек
month-gen-10 = қазан
month-gen-11 = қараша
month-gen-12 = желтоқсан
month-loc-1 = қаңтардағы
month-loc-2 = ақпандағы
month-loc-3 = наурыздағы
month-loc-4 = сәуірдегі
month-loc-5 = мамырдағы
month-loc-6 = маусымдағы
month-loc-7 = шілдедегі
month-loc-8 = тамыздағы
month-loc-9 = қыркүйектегі
month-loc-10 = қазандағы
month-loc-11 = қарашадағы
month-loc-12 = желтоқсандағы
# «иә» расталмаған: seed 001 үлгісінде қазақша жолдарда да «да» басылған (L421). unverified
yes = иә
no = жоқ
quarter-n = { $n }-тоқсан
sex-male = ер
sex-female = әйел

## Рөлдер
role-registrar = Кеңсе қызметкері
role-executor = Жауапты орындаушы
role-head = Бөлім бастығы
role-akim_clerk = Ауылдық округ әкімі аппаратының маманы
role-admin = Әкімші
role-akim = Ауылдық округ әкімі
role-akim_executor = Әкімнің жауапты орындаушысы

## Мәртебелер (ішкі)
# The public statuses of the State services rules sent to ЦОН and the portal (the words of the rules).
public-status-received = Түскен
public-status-in_work = Жұмыста
public-status-completed = Орындалған
public-status-rejected = Қабылданбады
status-registered = Түскен
status-in_work = Жұмыста
status-awaiting_signature = Қол қоюда
status-signed = Қол қойылды, беруге дайын
status-akimat-at-department = Бөлімге жолданды
status-akimat-result-back = Нәтиже келді, беруге дайын
status-issued = Берілді
status-withdrawn = Кері қайтарылды

## Кестелерге арналған қысқа мәртебелер
status-short-registered = Түскен
status-short-in_work = Жұмыста
status-short-awaiting_signature = Қол қоюда
status-short-signed = Беруге
status-short-issued = Берілді
status-short-withdrawn = Қайтарылды

## Жария мәртебелер (seed 000–002)
public-received = Түскен
public-in_work = Жұмыста
public-completed = Орындалған

## Арналар
channel-office = Бөлімге тікелей
channel-con = ХҚКО (Мемлекеттік корпорация)
channel-portal = «Электрондық үкімет» порталы
channel-akim = Ауылдық округ әкімі

## Әрекеттер
action-register = өтінішті тіркеу
action-assign = орындаушыны тағайындау
action-submit_draft = жобаны қол қоюға жіберу
action-return = пысықтауға қайтару
action-sign = ЭЦҚ арқылы қол қою
action-issue = нәтижені беру
action-extend = мерзімді ұзарту
action-withdraw = өтінішті кері қайтарып алу
action-attach = сканерлік көшірмелерді тіркеу
action-questionnaire = сауалнама
action-setting_change = баптауларды өзгерту
action-user_add = пайдаланушыны қосу
action-password_reset = құпиясөзді қалпына келтіру
action-user_disable = пайдаланушыны бұғаттау
action-users = пайдаланушылар тізімі
action-users_manage = пайдаланушыларды басқару
action-certificates = ЭЦҚ куәліктерін басқару
action-gateway_view = өңірлік шлюзбен алмасуды қарау
action-unknown = бұл әрекет
action-person_lookup = өтініш берушіні іздеу
action-queue = кезектерді қарау
action-verify = құжатты тексеру
action-report = кезеңдік есеп
action-backup = сақтық көшірме

## Өрістер
field-iin = ЖСН
field-surname = Тегі
field-given_name = Аты
field-patronymic = Әкесінің аты
field-birth_date = Туған күні
field-address = Мекенжайы
field-phone = Телефон
field-id_document = Жеке куәлік
field-full_name = Т.А.Ә.
field-roles = Рөлдер
field-password = Құпиясөз
field-executor = Орындаушы
field-resolution = Бұрыштама
field-comment = Түсініктеме
field-reason = Себебі
field-extension = Ұзарту
field-decision = Шешім
field-questionnaire = Сауалнама
field-user = Пайдаланушы
field-idle_lock_minutes = Әрекетсіздік кезінде бұғаттау
field-max_file_mib = Сканның ең үлкен көлемі
field-term = Мерзім
field-missing_reason = Құжаттардың жоқ болу себебі
field-office_code = Бөлім коды
field-workstation = Жұмыс орнының коды
field-db_host = Сервер (мекенжайы)
field-db_port = Порт
field-db_name = Дерекқор
field-db_user = Дерекқор пайдаланушысы
field-db_password = Дерекқор құпиясөзі
# unverified: «орталық сертификаты» for the server's certificate authority
field-db_tls_root = Сервердің куәландырушы орталығының сертификаты (PEM), TLS үшін
field-office_name_kk = Бөлімнің қазақша атауы
field-office_name_ru = Бөлімнің орысша атауы
field-service = Қызмет
field-channel = Арна
field-collector_iin = Алушының ЖСН

## ЖСН қателері
iin-error-length = ЖСН 12 цифрдан тұрады, { $count } цифр енгізілді.
iin-error-non-digit = ЖСН тек цифрлардан тұрады: { $pos }-орында «{ $char }» таңбасы тұр.
iin-error-century = ЖСН-нің 7-цифры (ғасыр мен жыныс) 1-ден 6-ға дейін болуы керек, { $digit } енгізілді.
iin-error-date = ЖСН-нің алғашқы алты цифры нақты туған күн емес ({ $date }).
iin-error-check = ЖСН-нің бақылау цифры дұрыс емес: { $expected } болуы керек, { $found } енгізілді. Енгізгенде қате кетпегенін тексеріңіз.
iin-error-unissuable = Алғашқы 11 цифры осындай ЖСН берілмейді. Нөмірді тексеріңіз.

## Өріс қателері
field-error-missing = міндетті өріс толтырылмаған
field-error-not-a-number = сан керек
field-error-out-of-range = мәні { $min } мен { $max } аралығында болуы керек
field-error-bad-date = күн КК.АА.ЖЖЖЖ пішімінде
field-error-unknown-option = тізімде мұндай нұсқа жоқ
field-error-too-long = { $max } таңбадан аспауы керек
field-error-too-short = кемінде { $min } таңба
field-error-too-few-rows = кемінде { $min } жол керек
field-error-too-many-rows = { $max } жолдан аспауы керек
field-error-not-yes-no = «иә» немесе «жоқ» керек
field-error-unknown-field = қызмет нысанында мұндай өріс жоқ
field-error-not-a-table = кесте күтілуде
field-error-period-reversed = кезеңнің соңы басынан ерте
field-error-one-language-only = мәтін бір тілде ғана: оны екі тілде жазыңыз немесе құжатты сол бір тілде басып шығарыңыз
# unverified: ережелердің хабарламалары
rule-before-application = «{ $field }» өтініш берілген күннен ({ $expected }) ерте болмауы керек
rule-before-application-month = «{ $field }» өтініш берілген айдан ерте болмауы керек (ең ерте: { $expected })
rule-after-decision = «{ $field }» шешім қабылданған күннен ({ $expected }) кеш болмауы керек
rule-count-differs = «{ $field }» кестедегі жолдар санына ({ $expected }) тең болуы керек
rule-amount-differs = «{ $field }» хабарландыруда көрсетілген мөлшерге ({ $expected }) тең болуы керек
rule-outside-period = «{ $field }» тағайындалған кезеңнен ({ $expected }) тыс
rule-repeated = «{ $field }» екі рет жазылған ({ $expected })
rule-not-the-applicant = «{ $field }»: өтініш берушінің өзі — { $expected }; отбасының 1-мүшесі өтініштен алынады
rule-not-on-list = «{ $field }» бөлімнің тізімінде жоқ: әкімші жүргізетін тізімнен таңдаңыз
rule-ground-missing = «{ $field }»: қызметтің бас тарту негіздерінің бірін таңдаңыз

## Әрекет қателері
error-fields = Нысан қате толтырылған:
error-forbidden = Құқық жоқ: «{ $action }» әрекетін «{ $roles }» рөлі ғана орындайды.
error-lifecycle-state = «{ $action }» орындалмайды: өтініш «{ $status }» мәртебесінде.
error-lifecycle-four-eyes = Нәтижеге басқа қызметкер ғана қол қоя алады: жобаны дайындаған адам оған өзі қол қоймайды («екі кілт» ережесі).
error-lifecycle-not-assigned = Жобаны тағайындалған орындаушы ғана жібере алады.
error-lifecycle-already-extended = Бұл өтініш бойынша мерзім бұрын ұзартылған.
error-lifecycle-awaiting-result = Бөлімнен қол қойылған нәтиже әлі келген жоқ: азаматқа беретін құжат жоқ.
error-lifecycle-result-after-withdrawal = Өтініш кері қайтарып алынғаннан кейін келген нәтиже істе сақталады, бірақ азаматқа берілмейді.
error-person-missing = «{ $field }» өрісі толтырылмаған.
error-person-too-long = «{ $field }» өрісінің мәні тым ұзын.
error-person-bad-name = «{ $field }» өрісінде тек әріптер, бос орын, дефис және апостроф болады.
error-person-no-identity = ЖСН-і жоқ өтініш берушінің жеке куәлігі (құжат нөмірі) болуы керек.
error-person-birth-mismatch = Туған күні ЖСН-дегі күнмен сәйкес келмейді.
error-person-bad-phone = Телефонда тек цифрлар, бос орындар және + ( ) - белгілері болады.
error-unknown-service = «{ $code }» қызметі каталогта жоқ.
error-channel-not-offered = Қызмет «{ $channel }» арнасы арқылы көрсетілмейді.
error-duplicate-open = Өтініш берушінің осы қызмет бойынша аяқталмаған { $number } өтініші бар.
error-missing-documents = Міндетті құжаттар тіркелмеген: { $items }. Сканерлік көшірмелерін тіркеңіз немесе себебін көрсетіңіз.
error-attachment-empty = Файл бос.
error-attachment-too-large = Файл көлемі { $size } МБ, { $max } МБ-тан аспауы керек.
error-attachment-application-too-large = Өтініштің сканерлік көшірмелері { $size } МБ болар еді, { $max } МБ-тан аспауы керек.
error-attachment-unsupported = Тек PDF, JPEG, PNG және TIFF сканерлік көшірмелері қабылданады (түрі файлдың мазмұны бойынша анықталады).
error-attachment-malformed = Файл бүлінген немесе толық жүктелмеген.
error-attachment-unknown-item = «{ $item }» құжаты осы қызметтің тізбесінде жоқ.
error-not-found = Табылмады: { $what }.
error-conflict = Өтінішті басқа қызметкер жаңа ғана өзгертті. Оны қайта ашып, әрекетті қайталаңыз.
error-bad-credentials = ЖСН немесе құпиясөз қате.
error-locked = Бірнеше рет сәтсіз кіру әрекетінен кейін тіркелгі { $until } дейін бұғатталды.
error-disabled = Тіркелгі өшірілген. Әкімшіге хабарласыңыз.
error-weak-password-short = Құпиясөз кемінде 8 таңбадан тұруы керек.
error-weak-password-iin = Құпиясөзде ЖСН болмауы керек.
error-weak-password-repeated = Құпиясөз бір таңбаның қайталануынан тұрмауы керек.
error-weak-password-letters-digits = Құпиясөзде әріптер де, цифрлар да болуы керек.
error-weak-password-same = Жаңа құпиясөз ескісімен бірдей.
error-invalid-code-format = «{ $field }»: тек латын әріптері мен цифрлар.
error-invalid-missing = Толтырылмаған: «{ $field }».
error-invalid-too-long = Мәні тым ұзын: «{ $field }».
error-invalid-out-of-range = Мәні жарамсыз: «{ $field }».
error-invalid-not-an-executor = Таңдалған қызметкер орындаушы емес немесе өшірілген.
error-invalid-not-allowed = Осы қызметтің регламенті мерзімді ұзартуды көздемейді.
error-invalid-self-disable = Өз тіркелгіңізді өшіруге болмайды.
error-invalid-hash = Құпиясөзді қорғау мүмкін болмады; қайталап көріңіз.
error-invalid-already-registered = Бұл тіркеу куәлігі бұрын тіркелген.
error-invalid-not-a-certificate = «{ $field }»: файл сертификат емес (PEM немесе DER).
error-invalid-not-ca = «{ $field }»: сертификат куәландырушы орталықтың сертификаты емес.
error-invalid-not-a-crl = Файл кері қайтарып алынған куәліктер тізімі емес (PEM немесе DER).
# unverified
field-root = Түбір сертификат
field-certificate = Тіркеу куәлігі
error-already-initialized = { $dir } деректер қалтасында бөлім бапталып қойған.
error-not-initialized = { $dir } деректер қалтасы әлі бапталмаған: «mio-desk init» орындаңыз немесе бағдарлама терезесін ашыңыз.
error-calendar = Күнтізбе файлында қате: { $detail }
error-duplicate-user = ЖСН-і { $iin } пайдаланушы бар.
error-document = Құжатты жасау мүмкін болмады: { $detail }
error-backup = Сақтық көшірме: { $detail }
error-backup-audit-broken = Сақтық көшірме жазылмады: бөлімнің аудит журналы тексеруден өтпейді ({ $detail }). Әкімшіге хабарлаңыз.
error-backup-blob-damaged = Сақтық көшірме жазылмады: бөлім серверіндегі файл бүлінген ({ $detail }).
error-backup-stopped = Сақтық көшірме жазылмады: пайдаланушы тоқтатты.
error-restore-on-server = Бұл компьютер бөлімнің серверімен жұмыс істейді: дерекқор серверде pg_restore командасымен бос дерекқорға қалпына келтіріледі (README қараңыз), осы компьютердің қалтасына емес. { $detail } файлы пайдаланылмады.
error-store = Дерекқор қатесі: { $detail }

## ЭЦҚ (seed 001 L112–L114)
sig-refused = Бас тартылды: ЭЦҚ түпнұсқалығы расталмады —
sig-error-wrong-pin = Кілттің PIN-коды қате.
error-wrong-key-pin = Кілттің PIN-коды қате. Қалған әрекет саны: { $left }; олардан кейін кілт { $minutes } минутқа бұғатталады.
sig-error-key-damaged = Кілт файлы бүлінген немесе ЭЦҚ кілті емес.
sig-error-iin-mismatch = Тіркеу куәлігіндегі ЖСН ({ $cert }) қол қоюшының ЖСН-імен ({ $user }) сәйкес келмейді.
sig-error-not-yet-valid = тіркеу куәлігінің әрекет ету мерзімі { $date } басталады.
sig-error-expired = тіркеу куәлігінің әрекет ету мерзімі { $date } аяқталған.
sig-error-revoked = тіркеу куәлігі { $date } кері қайтарып алынған.
sig-error-crl-missing = кері қайтарып алынған куәліктер тізімі жоқ, қайтарып алуды тексеру мүмкін емес.
sig-error-crl-stale = кері қайтарып алынған куәліктер тізімі ескірген ({ $date }), қайтарып алуды тексеру мүмкін емес. Әкімші жаңа тізім шығаруы керек.
sig-error-crl-untrusted = кері қайтарып алынған куәліктер тізіміне сенімді куәландырушы орталық қол қоймаған.
sig-error-untrusted = куәлікті сенімді куәландырушы орталық бермеген.
sig-error-bad-signature = қолтаңба құжатқа сәйкес келмейді.
sig-error-not-for-signing = куәлік құжаттарға қол қоюға арналмаған.
sig-error-malformed = куәлік немесе қолтаңба бүлінген ({ $detail }).
sig-error-no-key = Кілт файлында тіркеу куәлігімен бірге қол қою кілті жоқ.
sig-error-key-not-cert = Файлдағы жабық кілт оның тіркеу куәлігіне сәйкес келмейді.
# unverified
sig-reason = Басшының қолы

## Құжатты тексеру
verify-signed-at = қол қойылды { $at }
verify-not-pdf = файл PDF құжаты емес немесе бүлінген.
verify-not-signed = құжатқа ЭЦҚ қойылмаған (онда қолтаңба деректері жоқ).
verify-qr-unreadable = құжаттағы QR-код оқылмайды.
verify-qr-mismatch = QR-код құжатқа сәйкес келмейді (ауыстырылған).
verify-payload-malformed = QR-код деректері бүлінген немесе осы бағдарламаның құжаттарына жатпайды.
verify-content-mismatch = құжаттың мазмұны қол қойылған мазмұнмен сәйкес келмейді.
verify-pdf-mismatch = құжат қол қойылған нұсқасымен сәйкес келмейді.
verify-serial-mismatch = QR-кодтағы куәлік нөмірі қол қоюшының куәлігімен сәйкес келмейді.
verify-signer-mismatch = құжатта көрсетілген қол қоюшы куәлік иесімен сәйкес келмейді.
verify-signed-time-mismatch = құжатта басылған қол қою уақыты қолтаңбадағы уақытпен сәйкес келмейді.
verify-file-changed = файл қол қойылғаннан кейін өзгертілген.
verify-unknown-certificate = қол қоюшының куәлігі осы бөлімге белгісіз.
verify-register-mismatch = бөлім журналындағы осы нөмірлі құжаттың мазмұны басқа.
verify-format-pades = PDF қолтаңбасы (PAdES)
verify-format-legacy = бағдарламаның алғашқы нұсқаларының қолтаңбасы (бұрынғы тәсілмен тексерілді)
verify-revocation-not-checked = куәліктің кері қайтарылуы тексерілмеді: кері қайтарып алынған куәліктер тізімі жоқ
verify-truncated = файл қысқартылған: ол қол қойылған бөліктен бұрын аяқталады.
verify-several = құжатта { $count } қолтаңба бар, ал бөлімнің құжатына бір рет қол қойылады.
verify-bad-range = қолтаңба ауқымы құжатты толық қамтымайды ({ $detail }).
verify-container-damaged = құжаттағы қолтаңба деректері бүлінген.
verify-signed-part-changed = құжаттың қол қойылған бөлігі қол қойылғаннан кейін өзгертілген.
verify-wrong-digest = қолтаңбадағы хеш-сома дұрыс емес (SHA-256 емес).
verify-record-missing = құжаттың нөмірі, күні және бөлімі қол қойылған бөлікке кірмейді.
verify-appended-update = қол қойылған бөлік (алғашқы { $signed } байт) өзгермеген, бірақ қол қойылғаннан кейін файлға жаңарту қосылған: { $bytes } байт, объектілер: { $objects } ({ $kinds }). Қол қойылған нұсқаны — файлдың алғашқы { $signed } байтын тексеріңіз.
verify-appended-data = қол қойылған бөлік (алғашқы { $signed } байт) өзгермеген, бірақ қол қойылғаннан кейін файлға { $bytes } байт бөгде деректер қосылған.
gw-verify-title = Құжатты тексеру
# unverified
gw-verify-unknown = Осындай нөмірі мен бақылау сомасы бар қол қойылған құжат белгісіз.
# unverified
gw-verify-unknown-hint = Мекенжай құжаттың QR-кодынан толық ашылғанын тексеріңіз. Құжатты желісіз де тексеруге болады: түбір сертификатымен «mio-desk verify».
gw-verify-signed = Құжатқа ЭЦҚ қойылған
gw-verify-revoked = Құжаттың қолтаңбасы кері қайтарылған
gw-verify-office = Бөлім
gw-verify-kind = Құжат түрі
gw-verify-holder = Өтініш беруші (ЖСН)
gw-verify-signer = Қол қойған
# unverified
gw-verify-offline-hint = Мәліметтер — тек құжатта басылғандары. PDF файлының өзіндегі қолтаңбаны кез келген PDF қарау бағдарламасы немесе «mio-desk verify» тексереді.

## Командалық жол
cli-joined = Компьютер бөлімге қосылды:
cli-move-to-needs-database = Бөлім серверіндегі дерекқорды көрсетіңіз: --database postgres://…
cli-act-done = Дайын:
cli-act-approve-or-refuse = --approve немесе --refuse НЕГІЗ көрсетіңіз.
cli-act-no-key = Бұл пайдаланушының ЭЦҚ кілт файлы жоқ: --key ФАЙЛ көрсетіңіз.
cli-bad-field = «{ $value }» өрісі КІЛТ=МӘН түрінде беріледі.
cli-bad-table = «{ $value }» ішіндегі кесте JSON массиві болуы керек.
cli-bad-executor = «{ $value }» — жұмыс істеп тұрған орындаушының ЖСН-і емес.
cli-bad-service = «{ $value }» деген қызмет жоқ.
move-to-done = Бөлім серверге көшірілді және тексерілді. Кестелердегі жолдар (мұнда да, серверде де бірдей):
move-to-audit = Сервердегі аудит журналы бүтін: { $count } жазба.
move-to-blobs = Серверде бақылау сомасы тексерілген: сканерлер { $scans }, қол қойылған құжаттар { $papers }.
move-to-paper = Серверде { $number } қол қойылған құжаты қолтаңба тексерісінен өтеді.
move-to-no-paper = Қол қойылған құжаттар әлі жоқ: тексеретін ештеңе жоқ.
move-to-kept = Бұрынғы дерекқор файлы { $file } ретінде сақталды; бұл компьютер енді сервермен жұмыс істейді.
cli-empty-stdin = кіріс ағынында (stdin) жол күтілді
cli-bad-date = «{ $value }» күні ЖЖЖЖ-АА-КК пішімінде болуы керек.
cli-catalog-channels = Өтініш беру тәсілдері
cli-catalog-term = Мерзімі
cli-catalog-documents = Құжаттар (* — міндетті)
cli-catalog-fields = Өрістер (кілт, түрі, кезеңі)
cli-catalog-refusals = Бас тарту негіздері
cli-bad-lang = Құжат тілі «{ $value }»: kk, ru немесе both.
cli-initialised = Бөлім бапталды:
cli-password-stdin = Құпиясөз тек stdin арқылы беріледі: --password-stdin қосыңыз.
cli-pin-stdin = PIN-код тек stdin арқылы беріледі: --pin-stdin қосыңыз.
cli-user-added = Пайдаланушы қосылды:
cli-steps = қадам
cli-demo-done = Демонстрациялық аудан дайын.
cli-demo-applications = Өтініштер
cli-demo-persons = өтініш беруші
cli-demo-db-size = Дерекқордың көлемі
cli-demo-accounts = Тіркелгілер (ЖСН, құпиясөз)
cli-demo-pin = Бөлім бастығының ЭЦҚ кілтінің PIN-коды
cli-demo-by-status = Кезектер бойынша өтініштер
cli-db-damaged = Дерекқор бүлінген
cli-audit-ok = Аудит журналы бүтін
cli-audit-broken = Аудит журналы бұзылған
cli-entries = жазба
cli-backup-done = Сақтық көшірме жазылды:
cli-restore-done = Деректер сақтық көшірмеден қалпына келтірілді
cli-restore-kept = Бұрынғы деректер қалтасы сақталды
cli-cert-revoked = Куәлік кері қайтарып алынды:
cli-crl-published = Кері қайтарып алынған куәліктердің жаңа тізімі шығарылды.
cli-root-trusted = Түбір сертификат сенімділер қатарына қосылды:
cli-not-a-certificate = { $value } файлы сертификат емес (PEM немесе DER).
cli-not-a-crl = { $value } файлы кері қайтарып алынған куәліктер тізімі емес (PEM немесе DER).
cli-working-weekend = жұмыс күні (Үкімет қаулысымен ауыстырылған)

## Қосымша әрекеттер мен өрістер
action-cert_issue = ЭЦҚ куәлігін беру
action-cert_revoke = ЭЦҚ куәлігін кері қайтарып алу
action-cert_list = куәліктер тізімі
error-invalid-pin-short = PIN-код кемінде 6 таңбадан тұруы керек.
field-pin = PIN-код
field-days = Әрекет ету мерзімі
cli-bad-role = «{ $value }» рөлі белгісіз: registrar, executor, head, akim_clerk немесе admin.
cli-bad-status = «{ $value }» мәртебесі белгісіз: registered, in_work, awaiting_signature, signed, issued немесе withdrawn.
cli-bad-channel = «{ $value }» арнасы белгісіз: office, con, portal немесе akim.
cli-bad-user-lang = Пайдаланушы тілі «{ $value }»: kk немесе ru.
cli-cannot-read = { $file } файлын оқу мүмкін болмады: { $error }
cli-sync-both = --gateway пен --token-stdin екеуін де көрсетіңіз (токен stdin-нің бірінші жолынан оқылады), немесе сақталғандарын алу үшін ешқайсысын көрсетпеңіз.
cli-submit-channel = «{ $channel }» арнасы «{ $client }» клиентінің кілтіне сәйкес келмейді (ХҚКО үшін con-… кілті, портал үшін portal керек).

## Өңірлік шлюзбен алмасу: бас тарту себептері мен қайшылықтар (журналға жазылады, жіберушіге кетеді)
sync-reject-route = Хабар { $route } адресатына жіберілген, ал бұл бөлім — { $office }.
sync-reject-sender = { $sender } өтініш бере алмайды.
sync-reject-malformed = Өтініш үлгіге сай толтырылмаған: { $error }
# «correlationId» хаттама өрісінің атауы, аударылмайды. unverified
sync-reject-no-correlation = Кері қайтарып алу туралы хабарда қай өтініш екені көрсетілмеген (correlationId).
sync-reject-crl = Кері қайтарып алынған куәліктер тізімі бүлінген.
# «скан» сөзі тексерілмеген. unverified
sync-reject-scan = «{ $name }» сканын шлюзден алу мүмкін болмады: { $error }
# «алмасу хаттамасы» тексерілмеген. unverified
sync-reject-envelope = Хабар алмасу хаттамасына сәйкес келмейді: { $error }
sync-conflict-foreign = { $sender } { $origin } берген { $number } өтінішін кері қайтарып алуды сұрайды; өтініш кері қайтарып алынбады.
sync-conflict-foreign-office = { $sender } бөлімнің өзінде қабылданған { $number } өтінішін кері қайтарып алуды сұрайды; өтініш кері қайтарып алынбады.
sync-conflict-late = { $number } өтінішін кері қайтарып алу қабылданбады: { $error }

# Texts the exchange writes into an application that came from ЦОН or the portal.
exchange-electronic-request = электрондық сұрау салу
# unverified
exchange-withdrawn-on-portal = өтініш беруші порталда кері қайтарып алды

# The office server (PostgreSQL) shared by several PCs
error-server-unreachable = Кеңсе серверіне қосылу мүмкін болмады: сервер қосулы ма, желі бар ма, тексеріңіз. ({ $detail })
error-server-auth = Кеңсе сервері пайдаланушы атын немесе құпиясөзді қабылдамады.
error-server-no-database = Кеңсе серверінде мұндай дерекқор жоқ: атауын тексеріңіз немесе әкімшіге «createdb» арқылы құруды тапсырыңыз.
error-server-privilege = Бағдарламаның дерекқор пайдаланушысында қажетті құқық жоқ: { $detail }
error-server-not-ours = Бұл дерекқорда басқа бағдарламаның кестелері бар: ол mio-desk дерекқоры емес. Бос дерекқорды көрсетіңіз.
error-server-bad-url = Дерекқор мекенжайы дұрыс емес: { $detail }
error-too-new = Дерекқорды mio-desk-тің жаңа нұсқасы жазған (схема { $found }, бұл бағдарлама { $known } дейін біледі): бағдарламаны жаңартыңыз.
error-workstation-taken = { $code } жұмыс орнының коды осы кеңсенің басқа компьютерінде қолданылып жүр: басқа код таңдаңыз.
error-office-on-server = Бұл дерекқорда { $code } кеңсесі бар: бұл компьютерді «mio-desk join» арқылы қосыңыз.
error-no-office-on-server = Бұл дерекқорда әлі кеңсе жоқ: алдымен «mio-desk init --database …» арқылы құрыңыз.
error-not-joined = Бұл компьютер { $server } серверіндегі кеңсеге қосылмаған: «mio-desk join --database … --workstation …» орындаңыз.

## Issue 12: the rural akimat's own workstation and the exchange package
akimat-only = Бұл әрекет ауылдық округ әкімінің аппаратында ғана орындалады.
akimat-no-decision = Өтініш бойынша шешімді бөлім қабылдайды; әкімдікте тек ілеспе хат дайындалады.
akimat-no-result = Бөлімнен қол қойылған нәтиже әлі келген жоқ: азаматқа беретін құжат жоқ.
akimat-reject-not-department = Әкімдіктің пакетін бөлім ғана тіркейді, ал бұл — әкімдік.
akimat-reject-withdraw-here = Өтінішті кері қайтарып алуды оны қарайтын бөлім қолданады; әкімдік азаматтың өтінішін тек бөлімге жібереді.
akimat-reject-sender = { $sender } жіберушісі { $akimat } әкімдігінің атынан жібере алмайды.
# unverified
akimat-clock-ahead = { $akimat } әкімдігінің сағаты алға кеткен: { $number } өтініштің қабылданған уақыты { $claimed } деп көрсетілген; мерзім пакет келген сәттен бастап есептелді.
akimat-reject-unknown = { $id } пакеті бойынша хабар келді, бірақ мұнда ондай пакет жіберілмеген.
akimat-reject-foreign-department = Хабар { $from } бөлімінен келді, ал өтініш { $department } бөліміне жіберілген.
akimat-reject-issued-state = { $number } өтініші бойынша нәтиже әкімдікте берілді деген хабар келді, бірақ мұнда оның мәртебесі — «{ $status }».
# «пакет» сөзі тексерілмеген. unverified
exchange-damaged = Файл толық емес (үзіліп қалған) немесе ол алмасу пакеті емес. Пакетті қайта жазып алыңыз.
exchange-version = Алмасу пакетінің { $version } нұсқасын бұл бағдарлама білмейді: бағдарламаны жаңартыңыз.
exchange-edited = Пакет жазылғаннан кейін өзгертілген (қолтаңба сәйкес келмейді): ол қолданылмайды.
exchange-export-not-department = Бұл әкімдік тек { $department } бөліміне жібереді, { $to } емес.
exchange-unknown-akimat = { $to } әкімдігімен әлі алмасу болған жоқ.
exchange-nothing-waiting = Ешбір әкімдікке жіберілетін хабар жоқ: әкімдікті көрсетіңіз (терезеде — «Әкімдік (коды)» өрісі, пәрмен жолында — --to).
exchange-export-which = Бірнеше әкімдікке хабар күтіп тұр ({ $akimats }): біреуін көрсетіңіз (терезеде — «Әкімдік (коды)» өрісі, пәрмен жолында — --to).
exchange-not-for-us = Пакет { $to } адресатына арналған, ал бұл — { $us }. Ол қолданылмайды.
exchange-foreign-department = Пакет { $from } бөлімінен келген, ал бұл әкімдік { $department } бөлімімен жұмыс істейді. Ол қолданылмайды.
exchange-not-akimat = Пакет { $from } жіберушісінен келген, бірақ ол әкімдік емес: бөлім тек әкімдіктердің пакеттерін қабылдайды.
exchange-other-key = Пакетке { $from } бұрын қолданған кілтпен емес, басқа кілтпен қол қойылған: ол басқа орнатудан келген болуы мүмкін. Қолданылмайды.
exchange-already = { $from } жіберген { $seq }-пакет бұрын қолданылған: ештеңе екі рет қолданылмайды.
exchange-older = { $from } жіберген { $seq }-пакет ескі: { $last }-пакет бұрын қолданылған және оның мазмұны соған кірген.
exchange-out-of-order = Пакет мұнда әлі жазылмаған { $ack }-пакетке жауап береді (соңғы жазылғаны — { $last }): пакеттердің реті бұзылған немесе дерекқор көшірмеден қалпына келтірілген.
cli-akimat-needs-department = Әкімдік үшін ол жіберетін бөлімнің кодын көрсетіңіз: --department КОД.
cli-department-only-akimat = --department тек --kind akimat үшін көрсетіледі.
cli-bad-kind = «{ $value }» түрі белгісіз: department немесе akimat.
cli-exchange-exported = { $file }: { $to } үшін { $seq }-пакет, { $messages } хабар.
cli-exchange-imported = { $from } жіберген { $seq }-пакет: қолданылды { $applied }, бұрын келген { $duplicates }, қабылданбады { $rejected }.
cli-gw-client = Клиент
cli-gw-queue = Кезекте
cli-gw-oldest = Ең ескі жеткізілмегені
cli-gw-contact = Соңғы байланыс
## Issue 13: one exchange at a time, the token checked before anything is acknowledged
sync-elsewhere = Шлюзбен алмасу осы компьютердегі басқа бағдарламада немесе бөлімнің басқа компьютерінде жүріп жатыр; бұл алмасу өткізіліп жіберілді.
sync-wrong-office = Шлюз токені { $client } клиентіне тиесілі, ал бұл бөлім — { $office }: алмасу тоқтатылды, ештеңе жіберілмеді және расталмады. Баптаулардағы токенді тексеріңіз.
cli-outside-calendar = Бағдарламаның өндірістік күнтізбесі { $first }–{ $last } жылдарды біледі; олардан тыс күнді есептеу мүмкін емес.
error-numbers-held = Деректер сақтық көшірмеден қалпына келтірілді: шлюзбен алмасу соңғы берілген нөмірді хабарламайынша, журнал нөмірлері берілмейді. Алмасуды орындаңыз (mio-desk sync --once немесе терезедегі алмасу батырмасы).
error-backup-disk-full = { $detail } жазылатын дискіде орын жоқ: ештеңе жазылмады. Орын босатып, қайталаңыз.
restore-recovered = Сақтық көшірмеден қалпына келтірілгеннен кейін шлюзден қайта алынып, қабылданды: { $recovered } хабар; бұрын қабылданбағандар ретінде белгіленді: { $refused }.
restore-not-recovered = Қайта қабылдау мүмкін болмады: { $what }
restore-lost-numbers = { $numbers } нөмірлері сақтық көшірмеден кейін берілген; олардың астындағы шлюз арқылы келмеген өтініштер қалпына келтірілген деректерде жоқ — оларды қағаз істері бойынша қайта тіркеңіз. Бұл нөмірлер қайта берілмейді.
cli-restore-pending = Шлюзбен алғашқы алмасуда сақтық көшірмеден кейін келгеннің бәрі алынады; оған дейін журнал нөмірлері берілмейді.
cli-witness-unreachable = Шлюздан аудит журналының куәлігін алу мүмкін болмады
rights-narrowed = { $file } файлына құқықтар иесінікінен кең болды ({ $mode }); тек иесіне қалдырылды.
error-backup-passphrase-short = Сақтық көшірменің құпиясөзі кемінде { $detail } таңбадан тұруы керек.
error-backup-seal-broken = Сақтық көшірменің қолтаңбасы сәйкес келмейді: құпиясөз қате немесе көшірме өзгертілген. Ештеңе қалпына келтірілмеді.
error-backup-needs-passphrase = { $detail } сақтық көшірмесі құпиясөзбен мөрленген: көшірменің құпиясөзін енгізіңіз (терезеде — «Көшірменің құпиясөзі» өрісі, пәрмен жолында — --passphrase-stdin).
backup-other-office = Сақтық көшірме { $backup } бөліміне тиесілі, ал бұл деректер каталогында — { $here } бөлімі. Ештеңе қалпына келтірілмеді.
