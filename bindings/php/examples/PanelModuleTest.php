<?php

// Testing a panel module with PHPUnit. The module depends on Sectigo\ClientInterface, so a test
// hands it a mock, or a client of a sandbox started for the test (Sectigo\Testing\Sandbox runs
// the archive's bin/sectigo-sandbox).
//   phpunit --bootstrap vendor/autoload.php PanelModuleTest.php
declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use Sectigo\AutoAuthorizeResult;
use Sectigo\ClientInterface;
use Sectigo\NotEnoughCreditException;
use Sectigo\PlaceOrderResult;
use Sectigo\Response;
use Sectigo\Term;
use Sectigo\Testing\Sandbox;
use Sectigo\WebProduct;

/** The module under test: orders a year of Web DNS Pro for a customer and pays for it. */
final class CertificateOrders
{
    public function __construct(private readonly ClientInterface $sectigo, private readonly string $brand)
    {
    }

    public function order(string $name, string $email): string
    {
        $item = WebProduct::WebDnsPro->item(Term::Year1); // ['PPP' => 9974]
        $params = ['ap' => $this->brand, 'reseller' => true, 'name' => $name, 'emailAddress' => $email, 'items' => [$item]];
        $number = $this->sectigo->placeOrder($params)->orderNumber;
        $this->sectigo->autoAuthorize(['orderNumber' => $number]);
        return $number;
    }
}

final class PanelModuleTest extends TestCase
{
    public function testWithAMock(): void
    {
        // Results are made from answers as the server gives them.
        $placed = new Response(0, ['errorCode' => '0', 'orderNumber' => '1234567'], "errorCode=0\norderNumber=1234567", []);
        $paid = new Response(0, ['errorCode' => '0'], 'errorCode=0', []);
        $sectigo = $this->createMock(ClientInterface::class);
        $sectigo->expects($this->once())->method('placeOrder')->willReturn(PlaceOrderResult::fromResponse($placed));
        $sectigo->expects($this->once())->method('autoAuthorize')->with(['orderNumber' => '1234567'])
            ->willReturn(AutoAuthorizeResult::fromResponse($paid));
        $this->assertSame('1234567', (new CertificateOrders($sectigo, 'mybrand'))->order('Jane Doe', 'jane@example.com'));
    }

    public function testAgainstTheSandbox(): void
    {
        $sandbox = Sandbox::start();
        $orders = new CertificateOrders($sandbox->client(), $sandbox->accounts[0]['brand']);
        $number = $orders->order('Jane Doe', 'jane@example.com');
        $this->assertArrayHasKey($number, $sandbox->state()['orders']);
        // The second account has no credit: paying fails as it would at Sectigo.
        $broke = new CertificateOrders($sandbox->client(1), $sandbox->accounts[1]['brand']);
        $this->expectException(NotEnoughCreditException::class);
        $broke->order('Jane Doe', 'jane@example.com');
    }
}
