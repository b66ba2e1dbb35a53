# Русский язык: общие слова, даты, ошибки.
# Термины сверены с глоссарием research/seed-001.md §6; непроверенные помечены «unverified».

## Даты и числа
year-of = года
year-gen = года
date-from = от
month-1 = январь
month-2 = февраль
month-3 = март
month-4 = апрель
month-5 = май
month-6 = июнь
month-7 = июль
month-8 = август
month-9 = сентябрь
month-10 = октябрь
month-11 = ноябрь
month-12 = декабрь
month-gen-1 = января
month-gen-2 = февраля
month-gen-3 = марта
month-gen-4 = апреля
month-gen-5 = мая
month-gen-6 = июня
month-gen-7 = июля
month-gen-8 = августа
month-gen-9 = сентября
month-gen-10 = октября
month-gen-11 = ноября
month-gen-12 = декабря
month-loc-1 = января
month-loc-2 = февраля
month-loc-3 = марта
month-loc-4 = апреля
month-loc-5 = мая
month-loc-6 = июня
month-loc-7 = июля
month-loc-8 = августа
month-loc-9 = сентября
month-loc-10 = октября
month-loc-11 = ноября
month-loc-12 = декабря
yes = да
no = нет
quarter-n = { $n } квартал
sex-male = мужской
sex-female = женский

## Роли
role-registrar = Работник канцелярии
role-executor = Ответственный исполнитель
role-head = Начальник отдела
role-akim_clerk = Специалист аппарата акима сельского округа
role-admin = Администратор

## Статусы (внутренние)
# The public statuses of the State services rules sent to ЦОН and the portal (the words of the rules).
public-status-received = Поступившие
public-status-in_work = В работе
public-status-completed = Исполнено
public-status-rejected = Отказано в приеме
status-registered = Поступило
status-in_work = В работе
status-awaiting_signature = На подписи
status-signed = Подписано, к выдаче
status-issued = Выдано
status-withdrawn = Отозвано

## Краткие статусы для таблиц
status-short-registered = Поступило
status-short-in_work = В работе
status-short-awaiting_signature = На подписи
status-short-signed = К выдаче
status-short-issued = Выдано
status-short-withdrawn = Отозвано

## Публичные статусы (seed 000–002)
public-received = Поступившие
public-in_work = В работе
public-completed = Исполнено

## Каналы
channel-office = Непосредственно в отдел
channel-con = ЦОН (Госкорпорация)
channel-portal = Портал «электронного правительства»
channel-akim = Аким сельского округа

## Действия
action-register = регистрация заявления
action-assign = назначение исполнителя
action-submit_draft = направление проекта на подпись
action-return = возврат на доработку
action-sign = подписание ЭЦП
action-issue = выдача результата
action-extend = продление срока
action-withdraw = отзыв заявления
action-attach = прикрепление сканов
action-questionnaire = анкетирование
action-setting_change = изменение настроек
action-user_add = добавление пользователя
action-password_reset = сброс пароля
action-user_disable = блокировка пользователя
action-users = список пользователей
action-person_lookup = поиск заявителя
action-queue = просмотр очередей
action-verify = проверка документа
action-report = отчет за период
action-backup = резервная копия

## Поля
field-iin = ИИН
field-surname = Фамилия
field-given_name = Имя
field-patronymic = Отчество
field-birth_date = Дата рождения
field-address = Адрес
field-phone = Телефон
field-id_document = Удостоверение личности
field-full_name = Ф.И.О.
field-roles = Роли
field-password = Пароль
field-executor = Исполнитель
field-resolution = Резолюция
field-comment = Комментарий
field-reason = Причина
field-extension = Продление
field-decision = Решение
field-questionnaire = Анкета
field-user = Пользователь
field-idle_lock_minutes = Блокировка при бездействии
field-max_file_mib = Предельный размер скана
field-term = Срок
field-missing_reason = Причина отсутствия документов
field-office_code = Код отдела
field-workstation = Код рабочего места
field-office_name_kk = Наименование отдела на казахском языке
field-office_name_ru = Наименование отдела на русском языке
field-service = Услуга
field-channel = Канал
field-collector_iin = ИИН получателя

## Ошибки ИИН
iin-error-length = ИИН состоит из 12 цифр, введено { $count }.
iin-error-non-digit = ИИН состоит только из цифр: символ «{ $char }» на позиции { $pos }.
iin-error-century = 7-я цифра ИИН (век и пол) должна быть от 1 до 6, введено { $digit }.
iin-error-date = Первые шесть цифр ИИН не образуют существующую дату рождения ({ $date }).
iin-error-check = Контрольная цифра ИИН неверна: должна быть { $expected }, введено { $found }. Проверьте, не ошиблись ли при вводе.
iin-error-unissuable = ИИН с такими первыми 11 цифрами не выдается. Проверьте номер.

## Ошибки полей
field-error-missing = обязательное поле не заполнено
field-error-not-a-number = нужно число
field-error-out-of-range = значение должно быть от { $min } до { $max }
field-error-bad-date = дата в формате ДД.ММ.ГГГГ
field-error-unknown-option = такого варианта нет в списке
field-error-too-long = не более { $max } символов
field-error-too-short = не менее { $min } символов
field-error-too-few-rows = нужно не менее { $min } строк
field-error-too-many-rows = не более { $max } строк
field-error-not-yes-no = нужно «да» или «нет»
field-error-unknown-field = такого поля нет в форме услуги
field-error-not-a-table = ожидается таблица
field-error-period-reversed = конец периода раньше начала
field-error-one-language-only = текст только на одном языке: введите его на обоих языках или печатайте документ на этом одном языке
rule-before-application = «{ $field }» не может быть раньше даты заявления ({ $expected })
rule-before-application-month = «{ $field }» не может быть раньше месяца обращения (не ранее { $expected })
rule-after-decision = «{ $field }» не может быть позже даты решения ({ $expected })
rule-count-differs = «{ $field }» должно совпадать с числом строк таблицы ({ $expected })
rule-amount-differs = «{ $field }» должна совпадать с размером в уведомлении ({ $expected })
rule-outside-period = «{ $field }» вне периода назначения ({ $expected })
rule-repeated = «{ $field }» указан дважды ({ $expected })
rule-not-the-applicant = «{ $field }»: заявитель — { $expected }; первый член семьи берется из заявления
rule-not-on-list = «{ $field }» нет в списке отдела: выберите из списка, который ведет администратор
rule-ground-missing = «{ $field }»: выберите одно из оснований отказа этой услуги

## Ошибки действий
error-fields = Форма заполнена с ошибками:
error-forbidden = Нет права: { $action } доступно роли «{ $roles }».
error-lifecycle-state = Нельзя выполнить «{ $action }»: заявление в статусе «{ $status }».
error-lifecycle-four-eyes = Подписать результат может только другой сотрудник: составитель проекта не подписывает его сам (правило «двух ключей»).
error-lifecycle-not-assigned = Проект может направить только назначенный исполнитель.
error-lifecycle-already-extended = Срок по этому заявлению уже продлевался.
error-person-missing = Не заполнено поле «{ $field }».
error-person-too-long = Слишком длинное значение поля «{ $field }».
error-person-bad-name = Поле «{ $field }» может содержать только буквы, пробел, дефис и апостроф.
error-person-no-identity = У заявителя без ИИН должно быть удостоверение личности (номер документа).
error-person-birth-mismatch = Дата рождения не совпадает с датой в ИИН.
error-person-bad-phone = Телефон может содержать только цифры, пробелы и знаки + ( ) -.
error-unknown-service = Услуга «{ $code }» отсутствует в каталоге.
error-channel-not-offered = Услуга не оказывается через канал «{ $channel }».
error-duplicate-open = У заявителя уже есть незавершенное заявление { $number } по этой услуге.
error-missing-documents = Не приложены обязательные документы: { $items }. Приложите сканы или укажите причину.
error-attachment-empty = Файл пустой.
error-attachment-too-large = Файл { $size } МБ, допускается не более { $max } МБ.
error-attachment-application-too-large = Сканы заявления заняли бы { $size } МБ, допускается не более { $max } МБ.
error-attachment-unsupported = Принимаются только сканы PDF, JPEG, PNG и TIFF (тип определяется по содержимому файла).
error-attachment-malformed = Файл поврежден или загружен не полностью.
error-attachment-unknown-item = Документа «{ $item }» нет в перечне этой услуги.
error-not-found = Не найдено: { $what }.
error-conflict = Заявление только что изменил другой сотрудник. Откройте его заново и повторите действие.
error-bad-credentials = Неверный ИИН или пароль.
error-locked = Учетная запись заблокирована до { $until } после нескольких неудачных попыток входа.
error-disabled = Учетная запись отключена. Обратитесь к администратору.
error-weak-password-short = Пароль должен быть не короче 8 символов.
error-weak-password-iin = Пароль не должен содержать ИИН.
error-weak-password-repeated = Пароль не может состоять из одного повторяющегося символа.
error-weak-password-letters-digits = Пароль должен содержать буквы и цифры.
error-weak-password-same = Новый пароль совпадает со старым.
error-invalid-code-format = «{ $field }»: только латинские буквы и цифры.
error-invalid-missing = Не заполнено: «{ $field }».
error-invalid-too-long = Слишком длинное значение: «{ $field }».
error-invalid-out-of-range = Недопустимое значение: «{ $field }».
error-invalid-not-an-executor = Выбранный сотрудник не является исполнителем или отключен.
error-invalid-not-allowed = Регламент этой услуги не предусматривает продление срока.
error-invalid-self-disable = Нельзя отключить собственную учетную запись.
error-invalid-hash = Не удалось защитить пароль; попробуйте еще раз.
error-already-initialized = Отдел в папке данных { $dir } уже настроен.
error-not-initialized = Папка данных { $dir } еще не настроена: выполните «mio-desk init» или откройте окно программы.
error-calendar = Ошибка в файле календаря: { $detail }
error-duplicate-user = Пользователь с ИИН { $iin } уже существует.
error-document = Не удалось сформировать документ: { $detail }
error-backup = Резервная копия: { $detail }
error-store = Ошибка базы данных: { $detail }

## ЭЦП (seed 001 L112–L114)
sig-refused = Отказ: подлинность ЭЦП не подтверждена —
sig-error-wrong-pin = Неверный PIN-код ключа.
sig-error-key-damaged = Файл ключа поврежден или не является ключом ЭЦП.
sig-error-iin-mismatch = ИИН в регистрационном свидетельстве ({ $cert }) не совпадает с ИИН подписывающего ({ $user }).
sig-error-not-yet-valid = срок действия регистрационного свидетельства начинается { $date }.
sig-error-expired = срок действия регистрационного свидетельства истек { $date }.
sig-error-revoked = регистрационное свидетельство отозвано { $date }.
sig-error-crl-missing = нет списка отозванных свидетельств, проверить отзыв невозможно.
sig-error-crl-stale = список отозванных свидетельств устарел ({ $date }), проверить отзыв невозможно. Администратор должен выпустить новый список.
sig-error-crl-untrusted = список отозванных свидетельств подписан не доверенным удостоверяющим центром.
sig-error-untrusted = свидетельство выдано не доверенным удостоверяющим центром.
sig-error-bad-signature = подпись не соответствует документу.
sig-error-not-for-signing = свидетельство не предназначено для подписания документов.
sig-error-malformed = поврежденное свидетельство или подпись ({ $detail }).

## Проверка документа
verify-signed-at = подписан { $at }
verify-not-pdf = файл не является документом PDF или поврежден.
verify-not-signed = документ не подписан ЭЦП (в нем нет данных подписи).
verify-qr-unreadable = QR-код на документе не читается.
verify-qr-mismatch = QR-код не соответствует документу (подменен).
verify-payload-malformed = данные QR-кода повреждены или не относятся к документам этой программы.
verify-content-mismatch = содержание документа не совпадает с подписанным.
verify-pdf-mismatch = документ не совпадает с подписанным вариантом.
verify-serial-mismatch = номер свидетельства в QR-коде не совпадает со свидетельством подписанта.
verify-signer-mismatch = подписант, указанный на документе, не совпадает с владельцем свидетельства.
verify-signed-time-mismatch = время подписания, напечатанное на документе, не совпадает со временем в подписи.
verify-file-changed = файл изменен после подписания.
verify-unknown-certificate = свидетельство подписанта неизвестно этому отделу.
verify-register-mismatch = документ с этим номером в журнале отдела имеет другое содержание.

## Командная строка
cli-joined = Компьютер подключен к отделу:
cli-move-to-needs-database = Укажите базу данных на сервере отдела: --database postgres://…
cli-act-done = Готово:
cli-act-approve-or-refuse = Укажите --approve или --refuse ОСНОВАНИЕ.
cli-act-no-key = Нет файла ключа ЭЦП этого пользователя: укажите --key ФАЙЛ.
cli-bad-field = Поле «{ $value }» задается как КЛЮЧ=ЗНАЧЕНИЕ.
cli-bad-table = Таблица в «{ $value }» должна быть массивом JSON.
cli-bad-executor = «{ $value }» — не ИИН действующего исполнителя.
cli-bad-service = Неизвестная услуга «{ $value }».
move-to-done = Отдел перенесен на сервер и проверен. Строк в таблицах (здесь и на сервере одинаково):
move-to-audit = Журнал аудита на сервере цел: { $count } записей.
move-to-blobs = На сервере с проверенной контрольной суммой: сканов { $scans }, подписанных документов { $papers }.
move-to-paper = Подписанный документ { $number } на сервере проходит проверку подписи.
move-to-no-paper = Подписанных документов пока нет: проверять нечего.
move-to-kept = Прежний файл базы сохранен как { $file }; этот компьютер теперь работает с сервером.
cli-empty-stdin = ожидалась строка во входном потоке (stdin)
cli-bad-date = Дата «{ $value }» должна быть в формате ГГГГ-ММ-ДД.
cli-catalog-channels = Способы подачи
cli-catalog-term = Срок
cli-catalog-documents = Документы (* — обязательные)
cli-catalog-fields = Поля (ключ, вид, этап)
cli-catalog-refusals = Основания отказа
cli-bad-lang = Язык документа «{ $value }»: kk, ru или both.
cli-initialised = Отдел настроен:
cli-password-stdin = Пароль передается только через stdin: добавьте --password-stdin.
cli-pin-stdin = PIN-код передается только через stdin: добавьте --pin-stdin.
cli-user-added = Пользователь добавлен:
cli-steps = шагов
cli-demo-done = Демонстрационный район готов.
cli-demo-applications = Заявлений
cli-demo-persons = заявителей
cli-demo-db-size = Размер базы данных
cli-demo-accounts = Учетные записи (ИИН, пароль)
cli-demo-pin = PIN-код ключа ЭЦП начальника отдела
cli-db-damaged = База данных повреждена
cli-audit-ok = Журнал аудита цел
cli-audit-broken = Журнал аудита нарушен
cli-entries = записей
cli-backup-done = Резервная копия записана:
cli-restore-done = Данные восстановлены из резервной копии
cli-restore-kept = Прежняя папка данных сохранена
cli-cert-revoked = Свидетельство отозвано:
cli-crl-published = Опубликован новый список отозванных свидетельств.
cli-working-weekend = рабочий день (перенос постановлением Правительства)

## Дополнительные действия и поля
action-cert_issue = выдача свидетельства ЭЦП
action-cert_revoke = отзыв свидетельства ЭЦП
action-cert_list = список свидетельств
error-invalid-pin-short = PIN-код должен быть не короче 6 символов.
field-pin = PIN-код
field-days = Срок действия
cli-bad-role = Неизвестная роль «{ $value }»: registrar, executor, head, akim_clerk или admin.
cli-bad-status = Неизвестный статус «{ $value }»: registered, in_work, awaiting_signature, signed, issued или withdrawn.
cli-bad-channel = Неизвестный канал «{ $value }»: office, con, portal или akim.
cli-bad-user-lang = Язык пользователя «{ $value }»: kk или ru.
cli-cannot-read = Не удалось прочитать файл { $file }: { $error }
cli-sync-both = Укажите и --gateway, и --token-stdin (токен читается из первой строки stdin), или ни одного, чтобы взять сохраненные.
cli-submit-channel = Канал «{ $channel }» не соответствует ключу клиента «{ $client }» (для ЦОН нужен ключ con-…, для портала — portal).

## Обмен с региональным шлюзом: причины отказа и конфликты (записываются в журнал и уходят отправителю)
sync-reject-route = Сообщение адресовано { $route }, а этот отдел — { $office }.
sync-reject-sender = { $sender } не может подавать заявления.
sync-reject-malformed = Заявление заполнено не по форме: { $error }
sync-reject-no-correlation = В отзыве не указано, какое заявление отозвать (correlationId).
sync-reject-crl = Список отозванных сертификатов поврежден.
sync-reject-scan = Скан «{ $name }» не удалось получить со шлюза: { $error }
sync-reject-envelope = Сообщение не соответствует протоколу обмена: { $error }
sync-conflict-foreign = { $sender } просит отозвать заявление { $number }, которое подал { $origin }; заявление не отозвано.
sync-conflict-foreign-office = { $sender } просит отозвать заявление { $number }, принятое в самом отделе; заявление не отозвано.
sync-conflict-late = Отзыв заявления { $number } не принят: { $error }

# Texts the exchange writes into an application that came from ЦОН or the portal.
exchange-electronic-request = электронный запрос
exchange-withdrawn-on-portal = отозвано заявителем на портале

# The office server (PostgreSQL) shared by several PCs
error-server-unreachable = Не удалось подключиться к серверу отдела: проверьте, включен ли сервер и есть ли сеть. ({ $detail })
error-server-auth = Сервер отдела не принял имя пользователя или пароль.
error-server-no-database = На сервере отдела нет такой базы данных: проверьте имя или попросите администратора создать ее («createdb»).
error-server-privilege = У пользователя базы данных программы нет нужного права: { $detail }
error-server-not-ours = В этой базе данных таблицы другой программы: это не база mio-desk. Укажите пустую базу данных.
error-server-bad-url = Адрес базы данных указан неверно: { $detail }
error-too-new = База данных записана более новой версией mio-desk (схема { $found }, эта программа знает до { $known }): обновите программу.
error-workstation-taken = Код рабочего места { $code } уже занят другим компьютером этого отдела: выберите другой код.
error-office-on-server = В этой базе данных уже есть отдел { $code }: подключите этот компьютер командой «mio-desk join».
error-no-office-on-server = В этой базе данных еще нет отдела: сначала создайте его командой «mio-desk init --database …».
error-not-joined = Этот компьютер не подключен к отделу на сервере { $server }: выполните «mio-desk join --database … --workstation …».

## Issue 13: one exchange at a time, the token checked before anything is acknowledged
sync-elsewhere = Обмен со шлюзом уже идёт в другой программе на этом компьютере или на другом компьютере отдела; этот обмен пропущен.
sync-wrong-office = Токен шлюза принадлежит клиенту { $client }, а этот отдел — { $office }: обмен остановлен, ничего не отправлено и не подтверждено. Проверьте токен в настройках.
cli-outside-calendar = Производственный календарь программы знает годы { $first }–{ $last }; дата за их пределами не может быть рассчитана.
error-numbers-held = Данные восстановлены из резервной копии: номера журнала не выдаются, пока обмен со шлюзом не сообщит последний выданный номер. Выполните обмен (mio-desk sync --once или кнопку обмена в окне).
backup-disk-full = На диске, куда пишется { $file }, нет места: ничего не записано. Освободите место и повторите.
restore-recovered = После восстановления из резервной копии со шлюза получено заново и принято { $recovered } сообщ., отмечено отклонёнными ранее { $refused }.
restore-not-recovered = Не удалось принять заново: { $what }
restore-lost-numbers = Номера { $numbers } выданы после резервной копии; заявления под ними, поступившие не через шлюз, в восстановленных данных отсутствуют — зарегистрируйте их заново по бумажным делам. Эти номера больше не выдаются.
cli-restore-pending = При первом обмене со шлюзом будет получено всё, что пришло после резервной копии; до этого номера журнала не выдаются.
cli-witness-unreachable = Не удалось получить у шлюза свидетельство журнала аудита
rights-narrowed = Права на { $file } были шире, чем у владельца ({ $mode }); оставлены только владельцу.
backup-passphrase-short = Пароль резервной копии должен быть не короче { $min } символов.
backup-seal-broken = Подпись резервной копии не сходится: неверный пароль, или копию изменили. Ничего не восстановлено.
backup-needs-passphrase = Резервная копия запечатана паролем: укажите его (--passphrase-stdin).
backup-other-office = Резервная копия принадлежит отделу { $backup }, а в этом каталоге данных — отдел { $here }. Ничего не восстановлено.
